#include "connectors/postgres/identity_codes.h"

#include <pqxx/pqxx>

#include "connectors/postgres/store_errors.h"

namespace valtuus {

RevealedIdentityCode reveal_identity_code(StoreSession& session, long long item_id) {
  return store_call(session, [&] {
    RevealedIdentityCode revealed;
    {
      pqxx::work txn(session.connection());
      revealed.audit_event =
          txn.exec_params1("SELECT reveal_identity_code($1)", item_id)[0].as<long long>();
      txn.commit();
    }
    pqxx::read_transaction txn(session.connection());
    const auto row = txn.exec_params1(
        "SELECT employee_key, display_name, account, ciphertext, nonce "
        "FROM revealed_identity_code($1)",
        revealed.audit_event);
    const pqxx::binarystring ciphertext(row[3]), nonce(row[4]);
    revealed.employee_key = row[0].as<std::string>();
    revealed.display_name = row[1].as<std::string>();
    revealed.account = row[2].as<std::string>();
    revealed.sealed = {Bytes(ciphertext.begin(), ciphertext.end()),
                       Bytes(nonce.begin(), nonce.end())};
    return revealed;
  });
}

}  // namespace valtuus
