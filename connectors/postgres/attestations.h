// What a person records after comparing the ledger with Suomi.fi's own list of one theme's
// mandates: the attestation (confirmed, or the differences found), and the decision on each
// difference. The checklist and the list of differences are read with reports.h.
#pragma once

#include <string>

#include "connectors/postgres/attestation_store.h"
#include "connectors/postgres/store_session.h"

namespace valtuus {

RecordedAttestation record_attestation(StoreSession& session, const AttestationInput& input);
// Returns the difference's new state.
std::string resolve_difference(StoreSession& session, long long id, bool accept,
                               const std::string& note);

}  // namespace valtuus
