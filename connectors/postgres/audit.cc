#include "connectors/postgres/audit.h"

#include <pqxx/pqxx>

#include "connectors/postgres/store_errors.h"

namespace valtuus {

std::optional<AuditHead> audit_head(StoreSession& session) {
  return store_call(session, [&] {
    pqxx::read_transaction txn(session.connection());
    return audit_head(txn);
  });
}

AuditCheck check_audit_trail(StoreSession& session, const std::vector<AuditAnchor>& anchors) {
  return store_call(session, [&] {
    pqxx::read_transaction txn(session.connection());
    return check_audit_trail(txn, anchors);
  });
}

}  // namespace valtuus
