// Ownership of libldap's C handles, and opening an authenticated connection.
// Every handle is a std::unique_ptr whose deleter is the matching libldap free function, so
// no path (early return, exception) can leak one. An LDAP* is not thread-safe: one thread
// uses a connection at a time.
#pragma once

#include <ldap.h>

#include <functional>
#include <memory>
#include <string>

#include "connectors/ldap/ldap_options.h"

namespace valtuus::ldap {

struct UnbindDeleter {
  void operator()(LDAP* ld) const { ldap_unbind_ext_s(ld, nullptr, nullptr); }
};
struct MessageDeleter {
  void operator()(LDAPMessage* msg) const { ldap_msgfree(msg); }
};
struct BerDeleter {
  // 0: the element's buffer belongs to the message it was read from.
  void operator()(BerElement* ber) const { ber_free(ber, 0); }
};
struct ValuesDeleter {  // arrays from ldap_get_values_len
  void operator()(berval** values) const { ldap_value_free_len(values); }
};
struct BerArrayDeleter {  // arrays from ldap_get_attribute_ber (values point into the message)
  void operator()(berval* values) const { ber_memfree(values); }
};
struct ControlDeleter {
  void operator()(LDAPControl* control) const { ldap_control_free(control); }
};
struct ControlsDeleter {
  void operator()(LDAPControl** controls) const { ldap_controls_free(controls); }
};
struct MemDeleter {  // strings from ldap_get_dn, ldap_get_option, ldap_parse_result
  void operator()(char* text) const { ldap_memfree(text); }
};

using LdapPtr = std::unique_ptr<LDAP, UnbindDeleter>;
using MessagePtr = std::unique_ptr<LDAPMessage, MessageDeleter>;
using BerPtr = std::unique_ptr<BerElement, BerDeleter>;
using ValuesPtr = std::unique_ptr<berval*, ValuesDeleter>;
using BerArrayPtr = std::unique_ptr<berval, BerArrayDeleter>;
using ControlPtr = std::unique_ptr<LDAPControl, ControlDeleter>;
using ControlsPtr = std::unique_ptr<LDAPControl*, ControlsDeleter>;
using LdapString = std::unique_ptr<char, MemDeleter>;

// Blocks SIGPIPE in the calling thread while alive. libldap writes to its socket with plain
// send()/write() (also through GnuTLS), so a server that went away while the connection was
// open (a DC restart, a cut network) would raise SIGPIPE on the next request or on the unbind,
// and its default action ends the whole process. A SIGPIPE raised meanwhile is consumed before
// the mask is restored, unless one was already pending. Declare it before the LdapPtr it
// protects, so that it outlives the unbind.
class SigpipeBlock {
 public:
  SigpipeBlock();
  ~SigpipeBlock();
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  bool was_blocked_ = false;
  bool was_pending_ = false;
};

// How the connector proves who it is, given a connected (and TLS-protected) handle.
// Throws ConfigError or TransientError (see ldap_errors.h). A function rather than a fixed
// call so that SASL GSSAPI (Kerberos) can be added beside the simple bind.
using BindFunction = std::function<void(LDAP* ld)>;

// A simple bind as options.bind_dn with the password read from options.password_file at the
// moment of binding (so a rotated password is used at the next read without a restart).
// The password is never part of an error message.
BindFunction simple_bind(const LdapOptions& options);

// Opens a connection to options.uri with protocol v3, referrals off, the configured timeouts
// and TLS: ldaps:// directly, ldap:// upgraded with StartTLS. The server certificate is
// verified against options.ca_file unless the insecure option says otherwise. Then binds.
// Throws ConfigError (bad certificate, wrong password, ...) or TransientError (server
// unreachable, timeout); messages name the URI and the step that failed. When the TLS step
// fails quickly, one unverified handshake (no bind) tells a rejected certificate (ConfigError)
// from a server that is down (TransientError): GnuTLS builds of libldap give no reason text.
LdapPtr connect_and_bind(const LdapOptions& options, const BindFunction& bind);

}  // namespace valtuus::ldap
