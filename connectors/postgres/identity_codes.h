// Revealing a person's identity code, which the person granting a mandate types into Suomi.fi.
// The reveal is recorded in the audit trail and committed first; only then is the sealed code
// read. The database never holds the key, nor the code in the clear: the caller opens the seal
// with the key file (common/identity_crypto.h).
#pragma once

#include <string>

#include "common/identity_crypto.h"
#include "connectors/postgres/store_session.h"

namespace valtuus {

struct RevealedIdentityCode {
  long long audit_event = 0;  // the reveal's audit event
  std::string employee_key, display_name, account;
  SealedIdentityCode sealed;
};

// For the person of change item `item_id`.
RevealedIdentityCode reveal_identity_code(StoreSession& session, long long item_id);

}  // namespace valtuus
