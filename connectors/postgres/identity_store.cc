#include "connectors/postgres/identity_store.h"

#include <map>
#include <string>

#include "common/log.h"
#include "core/identity_code.h"

namespace valtuus {

namespace {

pqxx::binarystring binary(const Bytes& bytes) {
  return pqxx::binarystring(bytes.data(), bytes.size());
}

// The stored keyed hashes by employee key: only changed codes are encrypted and written, so
// an unchanged directory writes nothing (and the daemon needs no access to the ciphertext).
std::map<std::string, std::string> stored_hashes(pqxx::work& txn) {
  std::map<std::string, std::string> hashes;
  for (const auto& row : txn.exec("SELECT employee_key, match_hash FROM identity_code")) {
    hashes.emplace(row[0].as<std::string>(), pqxx::binarystring(row[1]).str());
  }
  return hashes;
}

}  // namespace

IdentityWriteStats write_identity_codes(pqxx::work& txn, const Snapshot& snapshot,
                                        const IdentityCrypto* crypto) {
  IdentityWriteStats stats;
  if (crypto == nullptr) return stats;
  const auto hashes = stored_hashes(txn);
  for (const Employee& e : snapshot.employees) {
    if (e.identity_code.empty()) continue;
    const IdentityCodeCheck check = check_identity_code(e.identity_code);
    if (!check.valid) {
      ++stats.invalid;
      // The account names whose directory entry to fix; the value itself never leaves here.
      log_warning("identity code of account " + e.account + " not stored: " + check.reason);
      continue;
    }
    const Bytes hash = crypto->match_hash(e.identity_code);
    const auto found = hashes.find(e.key);
    if (found != hashes.end() &&
        found->second == std::string(reinterpret_cast<const char*>(hash.data()), hash.size())) {
      ++stats.unchanged;
      continue;
    }
    const SealedIdentityCode sealed = crypto->seal(e.key, e.identity_code);
    txn.exec_params(
        "INSERT INTO identity_code (employee_key, ciphertext, nonce, match_hash, masked) "
        "VALUES ($1, $2, $3, $4, $5) "
        // The parameters again, not EXCLUDED.*: reading EXCLUDED.ciphertext would need SELECT
        // on the ciphertext, which the daemon is deliberately not granted.
        "ON CONFLICT (employee_key) DO UPDATE SET ciphertext = $2, nonce = $3, match_hash = $4, "
        "  masked = $5, updated_at = now() "
        "WHERE identity_code.match_hash IS DISTINCT FROM $4",
        e.key, binary(sealed.ciphertext), binary(sealed.nonce), binary(hash),
        mask_identity_code(e.identity_code));
    ++stats.stored;
  }
  return stats;
}

}  // namespace valtuus
