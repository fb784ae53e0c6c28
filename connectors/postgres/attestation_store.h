// Attestation (issue #7): no API lists the mandates an organisation has given, so a person
// compares, theme by theme, Suomi.fi's own list with a checklist from the ledger, and records
// what they confirmed or found different. A difference corrects the ledger only when another
// person accepts it (sql/005_oversight.sql says why it is not a change item); the next sync
// then proposes the grant or revoke item the corrected ledger calls for.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "connectors/postgres/report_queries.h"

namespace valtuus {

// One grant the ledger says is in force: what the person looks for in Suomi.fi's list, which
// shows the name and the identity code. The code appears masked, never in clear.
struct ChecklistRow {
  std::string account, surname, given_name, department, status;
  std::string identity_code_masked;  // empty when none is recorded
  std::string valid_from, valid_until, source;
  std::optional<long long> open_revoke;  // an open revoke item: it may be gone already
  std::string open_revoke_state;
};

struct LastAttestation {
  long long id = 0;
  std::string at, by, result;
};

struct Checklist {
  std::string mandate, name_fi, suomifi_code, service;
  std::vector<ChecklistRow> rows;  // by surname, given name, account
  std::optional<LastAttestation> last;
  int open_differences = 0;
};

// Throws DataError when the theme is not in the catalog.
// Grants in force on `clock.today`; the overload without a clock takes the database's.
Checklist attestation_checklist(pqxx::transaction_base& txn, const ReportClock& clock,
                                const std::string& theme, const ReportFilter& filter);
Checklist attestation_checklist(pqxx::transaction_base& txn, const std::string& theme,
                                const ReportFilter& filter);

struct AttestationInput {
  std::string theme;
  std::vector<std::string> missing;  // accounts: held in the ledger, not in Suomi.fi
  // accounts in Suomi.fi but not in the ledger, with the end date Suomi.fi shows (if given)
  std::vector<std::pair<std::string, std::optional<std::string>>> extra;
  std::string note;
};

struct RecordedAttestation {
  long long id = 0;
  std::string result;                  // confirmed | differences
  std::vector<long long> differences;  // ids of the differences to decide
};

// Records it as the connected person in one transaction (audited by the database function).
RecordedAttestation record_attestation(pqxx::connection& connection, const AttestationInput& input);

struct DifferenceRow {
  long long id = 0, attestation_id = 0;
  std::string kind, account, name, mandate, valid_until, state;
  std::string attested_by, attested_at, decided_by, decision_note;
};
std::vector<DifferenceRow> list_differences(pqxx::transaction_base& txn, bool open_only,
                                            const ReportFilter& filter);

// Accepts or rejects one difference as the connected person; returns the new state.
std::string resolve_difference(pqxx::connection& connection, long long id, bool accept,
                               const std::string& note);

}  // namespace valtuus
