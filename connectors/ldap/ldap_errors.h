// Turning libldap result codes into the project's error hierarchy (core/errors.h), so that
// the daemon can tell from the type whether a retry can help. Messages are one line naming
// the server and the step that failed; they never contain a password.
#pragma once

#include <ldap.h>

#include <string>
#include <string_view>

namespace valtuus::ldap {

enum class FailureKind {
  transient,  // the server is down, busy or slow: a later retry may succeed
  config,     // credentials, certificates, bases or filters a person must fix
};

// Pure: which kind of failure result code `rc` is. `diagnostic` is the server's or
// libldap's additional text: a TLS certificate failure arrives as "Can't contact LDAP server"
// or "Connect error", and only an OpenSSL build of libldap names the certificate problem in
// the diagnostic (GnuTLS builds say "(unknown error code)"; connect_and_bind probes instead).
FailureKind classify(int rc, std::string_view diagnostic);

// True for the codes that mean the connection itself is gone or unusable; after one, no
// further operation on the handle can succeed.
bool connection_lost(int rc);

// "Invalid credentials" or "Can't contact LDAP server (error:0A000086:...)": the text of `rc`
// and, if any, the diagnostic message, on one line.
std::string describe(int rc, std::string_view diagnostic);

// The diagnostic message libldap keeps on the handle for the last failed operation.
std::string diagnostic_of(LDAP* ld);

// Throws TransientError or ConfigError (per classify) with the message
// "directory <uri>: <what>: <describe(rc, diagnostic)>".
[[noreturn]] void throw_ldap_error(LDAP* ld, int rc, const std::string& uri,
                                   const std::string& what);

}  // namespace valtuus::ldap
