// Stores the personal identity codes of a directory read, encrypted, in their own table
// (sql/003_identity_codes.sql). Part of the sync run's transaction.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <unordered_set>

#include "common/identity_crypto.h"
#include "core/employee.h"

namespace valtuus {

struct IdentityWriteStats {
  int stored = 0;     // new or changed codes written
  int unchanged = 0;  // same code as stored: nothing written
  int invalid = 0;    // not a valid code: not stored (logged by account, never by value)
};

// For each employee with a non-empty identity code: validates it, and writes it sealed with
// its keyed hash and masked form when the hash differs from the stored one; the changed ones go
// to the database together (COPY into a staging table, then sync_write_identity_codes() of run
// `run_id`, which must have been started in `txn`). With no key (`crypto` == nullptr) nothing
// is written: codes are never stored in the clear.
IdentityWriteStats write_identity_codes(pqxx::work& txn, long long run_id, const Snapshot& snapshot,
                                        const IdentityCrypto* crypto,
                                        const std::unordered_set<std::string>* only = nullptr);

}  // namespace valtuus
