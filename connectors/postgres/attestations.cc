#include "connectors/postgres/attestations.h"

#include "connectors/postgres/store_errors.h"

namespace valtuus {

RecordedAttestation record_attestation(StoreSession& session, const AttestationInput& input) {
  return store_call(session, [&] { return record_attestation(session.connection(), input); });
}

std::string resolve_difference(StoreSession& session, long long id, bool accept,
                               const std::string& note) {
  return store_call(session,
                    [&] { return resolve_difference(session.connection(), id, accept, note); });
}

}  // namespace valtuus
