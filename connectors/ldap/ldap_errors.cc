#include "connectors/ldap/ldap_errors.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "connectors/ldap/ldap_handle.h"
#include "core/errors.h"

namespace valtuus::ldap {

namespace {

bool contains_nocase(std::string_view text, std::string_view needle) {
  auto it = std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
  return it != text.end();
}

// Diagnostics of TLS failures that retrying cannot fix: the certificate does not verify or
// does not name the host, or the two ends share no protocol (e.g. ldaps:// to a plain port).
bool tls_misconfiguration(std::string_view diagnostic) {
  static constexpr std::array<std::string_view, 6> kMarkers = {"certificate",
                                                               "wrong version number",
                                                               "unsupported protocol",
                                                               "no protocols available",
                                                               "packet length too long",
                                                               "hostname does not match"};
  return std::any_of(kMarkers.begin(), kMarkers.end(),
                     [&](std::string_view m) { return contains_nocase(diagnostic, m); });
}

// One line: a multi-line diagnostic would break log parsing.
std::string one_line(std::string_view text) {
  std::string out(text);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

FailureKind classify(int rc, std::string_view diagnostic) {
  if (tls_misconfiguration(diagnostic)) return FailureKind::config;
  switch (rc) {
    case LDAP_SERVER_DOWN:
    case LDAP_TIMEOUT:
    case LDAP_CONNECT_ERROR:
    case LDAP_BUSY:
    case LDAP_UNAVAILABLE:
    case LDAP_TIMELIMIT_EXCEEDED:
    case LDAP_NO_MEMORY:
    case LDAP_LOCAL_ERROR:
    case LDAP_OTHER:
      return FailureKind::transient;
    case LDAP_INVALID_CREDENTIALS:
    case LDAP_STRONG_AUTH_REQUIRED:
    case LDAP_CONFIDENTIALITY_REQUIRED:
    case LDAP_INAPPROPRIATE_AUTH:
    case LDAP_INSUFFICIENT_ACCESS:
    case LDAP_UNWILLING_TO_PERFORM:
    case LDAP_NO_SUCH_OBJECT:
    case LDAP_INVALID_DN_SYNTAX:
    case LDAP_FILTER_ERROR:
    case LDAP_PROTOCOL_ERROR:
    case LDAP_AUTH_UNKNOWN:
    case LDAP_NOT_SUPPORTED:
    case LDAP_PARAM_ERROR:
      return FailureKind::config;
    default:
      // Unknown codes: let the daemon retry and log; a person sees the message either way.
      return FailureKind::transient;
  }
}

bool connection_lost(int rc) {
  return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_TIMEOUT;
}

std::string describe(int rc, std::string_view diagnostic) {
  std::string text = ldap_err2string(rc);
  const std::string extra = one_line(diagnostic);
  if (!extra.empty() && extra != text) text += " (" + extra + ")";
  return text;
}

std::string diagnostic_of(LDAP* ld) {
  char* raw = nullptr;
  if (ld == nullptr || ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &raw) != LDAP_OPT_SUCCESS) {
    return {};
  }
  LdapString owned(raw);
  return owned ? std::string(owned.get()) : std::string();
}

void throw_ldap_error(LDAP* ld, int rc, const std::string& uri, const std::string& what) {
  const std::string diagnostic = diagnostic_of(ld);
  const std::string message = "directory " + uri + ": " + what + ": " + describe(rc, diagnostic);
  if (classify(rc, diagnostic) == FailureKind::config) throw ConfigError(message);
  throw TransientError(message);
}

}  // namespace valtuus::ldap
