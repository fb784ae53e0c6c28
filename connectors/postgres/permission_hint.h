// PostgreSQL refuses a statement for a missing grant with SQLSTATE 42501 and "permission denied
// for function audit_event_content": true, but it does not say what the login lacks. This asks
// the catalog which of the product's roles hold the right, so that the message can name the
// role to grant. (Functions that refuse a person, e.g. four eyes, raise 42501 too, with their
// own words: those are left as they are.)
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>

namespace valtuus {

struct DeniedObject {
  std::string kind;  // function, table, view, sequence, schema, ...
  std::string name;
};

// The object of a "permission denied for <kind> <name>" message; nullopt for other messages.
std::optional<DeniedObject> denied_object(std::string_view message);

// The product's group roles (valtuus_*, not logins, not the object's owner) that hold a right
// on `object`, with the rights, e.g. "valtuus_admin (EXECUTE)"; empty when none.
std::string roles_holding(pqxx::connection& connection, const DeniedObject& object);

// `message`'s first line, and for a missing grant which role the login needs, e.g.
// "permission denied for function f: the login 'kirsi' needs a role that may: valtuus_admin
// (EXECUTE); an administrator grants one with GRANT <role> TO kirsi". `connection` (may
// be null) must not be in a failed transaction. Never throws: without an answer from the
// catalog the message is returned as it was.
std::string explain_permission_denied(std::string_view message, pqxx::connection* connection);

}  // namespace valtuus
