#include "connectors/postgres/identity_store.h"

#include <map>
#include <optional>
#include <string>

#include "common/log.h"
#include "connectors/postgres/pg_arrays.h"
#include "connectors/postgres/pg_stage.h"
#include "core/identity_code.h"

namespace valtuus {

namespace {

// bytea's hex input form (\x0a1b...); the COPY stream escapes the backslash.
std::string bytea_text(const Bytes& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = "\\x";
  text.reserve(2 + 2 * bytes.size());
  for (unsigned char b : bytes) {
    text += kHex[b >> 4];
    text += kHex[b & 0x0f];
  }
  return text;
}

// The stored keyed hashes by employee key: only changed codes are encrypted and written, so
// an unchanged directory writes nothing (and the daemon needs no access to the ciphertext).
// With `only`, those people's alone.
std::map<std::string, std::string> stored_hashes(pqxx::work& txn,
                                                 const std::unordered_set<std::string>* only) {
  std::map<std::string, std::string> hashes;
  const std::string sql = "SELECT employee_key, match_hash FROM identity_code";
  const pqxx::result rows = only == nullptr
                                ? txn.exec(sql)
                                : txn.exec_params(sql + " WHERE employee_key = ANY($1)",
                                                  text_array_literal({only->begin(), only->end()}));
  for (const auto& row : rows) {
    hashes.emplace(row[0].as<std::string>(), pqxx::binarystring(row[1]).str());
  }
  return hashes;
}

}  // namespace

IdentityWriteStats write_identity_codes(pqxx::work& txn, long long run_id, const Snapshot& snapshot,
                                        const IdentityCrypto* crypto,
                                        const std::unordered_set<std::string>* only) {
  IdentityWriteStats stats;
  if (crypto == nullptr) return stats;
  const auto hashes = stored_hashes(txn, only);
  std::optional<pqxx::stream_to> stream;
  for (const Employee& e : snapshot.employees) {
    if (e.identity_code.empty() || (only != nullptr && !only->count(e.key))) continue;
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
    if (!stream) {
      create_stage(txn, "identity_stage",
                   "employee_key text, ciphertext bytea, nonce bytea, match_hash bytea, "
                   "masked text");
      stream.emplace(txn, "identity_stage");
    }
    const SealedIdentityCode sealed = crypto->seal(e.key, e.identity_code);
    *stream << std::make_tuple(e.key, bytea_text(sealed.ciphertext), bytea_text(sealed.nonce),
                               bytea_text(hash), mask_identity_code(e.identity_code));
    ++stats.stored;
  }
  if (!stream) return stats;
  stream->complete();
  txn.exec_params1("SELECT sync_write_identity_codes($1)", run_id);
  return stats;
}

}  // namespace valtuus
