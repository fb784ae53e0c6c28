#include "connectors/ldap/ldap_handle.h"

#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <strings.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/secret_file.h"
#include "connectors/ldap/ldap_errors.h"
#include "core/errors.h"

namespace valtuus::ldap {

namespace {

// ldap_set_option reports only success or failure; a failure here is a bug or an option the
// linked libldap does not support, which a person has to look at.
void set_option(LDAP* ld, int option, const void* value, const std::string& uri, const char* name) {
  if (ldap_set_option(ld, option, value) != LDAP_OPT_SUCCESS) {
    throw ConfigError("directory " + uri + ": cannot set " + name);
  }
}

void configure(LDAP* ld, const LdapOptions& options) {
  const std::string& uri = options.uri;
  const int version = LDAP_VERSION3;
  set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version, uri, "LDAP_OPT_PROTOCOL_VERSION");
  // AD answers searches at a domain root with referrals to other partitions; following them
  // would rebind elsewhere with our credentials. We read only the configured bases.
  set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF, uri, "LDAP_OPT_REFERRALS");
  const timeval network{options.network_timeout_s, 0};
  set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &network, uri, "LDAP_OPT_NETWORK_TIMEOUT");
  // Bounds the synchronous calls (StartTLS, bind); searches pass their own timeout.
  const timeval operation{options.operation_timeout_s, 0};
  set_option(ld, LDAP_OPT_TIMEOUT, &operation, uri, "LDAP_OPT_TIMEOUT");

  // TLS options on this handle only, so that two sources in one process (a shared-service
  // centre) can trust different CAs.
  if (!options.ca_file.empty()) {
    // Checked here because libldap only says that the TLS context could not be created.
    if (::access(options.ca_file.c_str(), R_OK) != 0) {
      throw ConfigError("directory.ca_file: cannot read '" + options.ca_file +
                        "': " + std::strerror(errno));
    }
    set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, options.ca_file.c_str(), uri, "directory.ca_file");
  }
  const int require =
      options.tls_verify_never_use_in_production ? LDAP_OPT_X_TLS_NEVER : LDAP_OPT_X_TLS_DEMAND;
  set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &require, uri, "LDAP_OPT_X_TLS_REQUIRE_CERT");
  const int min_protocol = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2;
  set_option(ld, LDAP_OPT_X_TLS_PROTOCOL_MIN, &min_protocol, uri, "LDAP_OPT_X_TLS_PROTOCOL_MIN");
  // The per-handle TLS options above take effect only in a new TLS context (0: a client's).
  const int client_context = 0;
  set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &client_context, uri,
             "LDAP_OPT_X_TLS_NEWCTX (TLS context; check directory.ca_file)");
}

bool is_ldaps(const std::string& uri) {
  return uri.size() >= 8 && strncasecmp(uri.c_str(), "ldaps://", 8) == 0;
}

// Opens the connection and sets up TLS: the handshake for ldaps://, StartTLS for ldap://.
int open_tls(LDAP* ld, const std::string& uri) {
  return is_ldaps(uri) ? ldap_connect(ld) : ldap_start_tls_s(ld, nullptr, nullptr);
}

// A buffer between TLS and the socket. Without it GnuTLS reads each TLS record with two read()
// calls (its header, then its body) and libldap polls the socket before each message, since
// nothing is buffered: a directory sends an entry a record, so a read of 100,000 people made
// 300,000 system calls, most of the reading thread's system time. With it one read() takes
// whatever the kernel holds, up to the buffer's size, and libldap asks the buffer, not the
// socket, whether a message is waiting. Put under the TLS layer once the handshake is done
// (nothing of the byte stream is above it yet, so nothing is read out of order); libldap frees
// it with the connection. Only a speed-up: should it fail, the connection works as before.
void read_ahead(LDAP* ld) {
  Sockbuf* sb = nullptr;
  if (ldap_get_option(ld, LDAP_OPT_SOCKBUF, &sb) != LDAP_OPT_SUCCESS || sb == nullptr) return;
  int size = 64 * 1024;
  ber_sockbuf_add_io(sb, &ber_sockbuf_io_readahead, LBER_SBIOD_LEVEL_PROVIDER, &size);
}

// Debian's libldap uses GnuTLS, which reports every failed handshake as "(unknown error
// code)": a certificate that does not verify looks like a server that is down. To tell them
// apart, shake hands once more without verifying (and without binding: nothing is sent but
// the handshake). If that works, the server is up and its certificate is the problem.
bool handshake_works_unverified(const LdapOptions& options) {
  LdapOptions probe = options;
  probe.tls_verify_never_use_in_production = true;
  LDAP* raw = nullptr;
  if (ldap_initialize(&raw, probe.uri.c_str()) != LDAP_SUCCESS) return false;
  LdapPtr ld(raw);
  configure(ld.get(), probe);
  return open_tls(ld.get(), probe.uri) == LDAP_SUCCESS;
}

[[noreturn]] void throw_tls_failure(LDAP* ld, int rc, const LdapOptions& options,
                                    std::chrono::steady_clock::duration took) {
  const char* what = is_ldaps(options.uri) ? "TLS connect" : "StartTLS";
  // Probe only when verification was on and the failure came before the network timeout
  // (a server that does not answer at all would only make the probe wait as long again).
  const bool may_be_certificate = !options.tls_verify_never_use_in_production &&
                                  (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR) &&
                                  took < std::chrono::seconds(options.network_timeout_s);
  if (may_be_certificate && handshake_works_unverified(options)) {
    const std::string trust = options.ca_file.empty() ? std::string("the system's trusted CAs")
                                                      : "directory.ca_file " + options.ca_file;
    throw ConfigError("directory " + options.uri + ": " + what +
                      ": the server certificate was not accepted: not signed by a CA in " + trust +
                      ", expired, or not issued for this host name");
  }
  throw_ldap_error(ld, rc, options.uri, what);
}

}  // namespace

SigpipeBlock::SigpipeBlock() {
  sigset_t pipe, old;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, &old);
  was_blocked_ = sigismember(&old, SIGPIPE) == 1;
  sigset_t pending;
  sigpending(&pending);
  was_pending_ = sigismember(&pending, SIGPIPE) == 1;
}

SigpipeBlock::~SigpipeBlock() {
  if (was_blocked_) return;  // an outer block is responsible
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  if (!was_pending_) {
    sigset_t pending;
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE) == 1) {
      const timespec zero{0, 0};
      sigtimedwait(&pipe, nullptr, &zero);  // ours: drop it
    }
  }
  pthread_sigmask(SIG_UNBLOCK, &pipe, nullptr);
}

BindFunction simple_bind(const LdapOptions& options) {
  return [uri = options.uri, dn = options.bind_dn, file = options.password_file](LDAP* ld) {
    std::string password = read_secret_file(file, "directory.password_file");
    berval credentials{static_cast<ber_len_t>(password.size()), password.data()};
    const int rc =
        ldap_sasl_bind_s(ld, dn.c_str(), LDAP_SASL_SIMPLE, &credentials, nullptr, nullptr, nullptr);
    // Do not leave the password in freed heap memory longer than needed.
    explicit_bzero(password.data(), password.size());
    if (rc != LDAP_SUCCESS) throw_ldap_error(ld, rc, uri, "bind as " + dn);
  };
}

LdapPtr connect_and_bind(const LdapOptions& options, const BindFunction& bind) {
  LDAP* raw = nullptr;
  const int rc = ldap_initialize(&raw, options.uri.c_str());
  LdapPtr ld(raw);
  if (rc != LDAP_SUCCESS) {
    throw ConfigError("directory " + options.uri + ": not a usable URI: " + ldap_err2string(rc));
  }
  configure(ld.get(), options);
  // ldap_options_from refuses ldap:// without StartTLS; check again for hand-built options.
  if (!is_ldaps(options.uri) && !options.starttls) {
    throw ConfigError("directory " + options.uri + ": TLS is required (directory.starttls)");
  }
  // Connect before binding, so that a TLS failure is reported as one, not as a failed bind.
  const auto started = std::chrono::steady_clock::now();
  const int tls = open_tls(ld.get(), options.uri);
  if (tls != LDAP_SUCCESS) {
    throw_tls_failure(ld.get(), tls, options, std::chrono::steady_clock::now() - started);
  }
  read_ahead(ld.get());
  bind(ld.get());
  return ld;
}

}  // namespace valtuus::ldap
