// The audit trail's checks: the hash chain (audit_verify() in the database) and anchors kept
// outside it (core/audit_anchor.h).
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "core/audit_anchor.h"

namespace valtuus {

// The newest event, or nothing when the trail is empty.
std::optional<AuditHead> audit_head(pqxx::transaction_base& txn);

struct AuditCheck {
  long long events = 0;
  std::vector<std::string> problems;  // "audit event N: ..." and "anchored event N ..." lines
};

// Checks the chain, and each anchor against the event it names.
AuditCheck check_audit_trail(pqxx::transaction_base& txn, const std::vector<AuditAnchor>& anchors);

}  // namespace valtuus
