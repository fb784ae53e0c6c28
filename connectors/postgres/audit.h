// What `valtuusctl audit` reads: the head of the audit trail's hash chain (to anchor it outside
// the database) and the check of the whole chain against anchors taken before.
#pragma once

#include <optional>
#include <vector>

#include "connectors/postgres/audit_store.h"
#include "connectors/postgres/store_session.h"

namespace valtuus {

std::optional<AuditHead> audit_head(StoreSession& session);
AuditCheck check_audit_trail(StoreSession& session, const std::vector<AuditAnchor>& anchors);

}  // namespace valtuus
