// The directory connector's configuration: the "directory.*" options, declared here beside
// the code that uses them, and the plain struct they are converted into. Secrets are never
// options: the bind password comes from a file (common/secret_file.h).
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace valtuus {

// Which directory attribute fills each Employee field: Active Directory's names by default.
// An empty name (allowed for every field but account) leaves that field empty.
// Option names: directory.map.<field>, e.g. directory.map.title = extensionAttribute5.
struct AttributeMap {
  std::string account = "sAMAccountName";  // required: the logon name
  std::string given_name = "givenName";
  std::string surname = "sn";
  std::string display_name = "displayName";
  std::string mail = "mail";
  std::string department = "department";
  std::string title = "title";
  std::string groups = "memberOf";  // multi-valued: read whole with AD's range retrieval
  std::string manager = "manager";
  // The person's language for notifications: fi, sv or en (regional forms such as "sv-FI"
  // count); other values are ignored (the default language applies).
  std::string language = "preferredLanguage";
  std::string account_control = "userAccountControl";  // bit 0x2: disabled
  std::string account_expires = "accountExpires";      // 100 ns ticks since 1601
};

struct LdapOptions {
  // directory.uri, required: ldaps://host[:port]/, or ldap://host[:port]/ upgraded with StartTLS.
  std::string uri;
  // directory.bind_dn, required: the service account the connector binds as (simple bind).
  std::string bind_dn;
  // directory.password_file, required: file holding the bind password (read_secret_file).
  std::string password_file;
  // directory.base (may repeat), required: subtrees searched, each one completely.
  std::vector<std::string> bases;
  // directory.filter: which entries are employees. AD's own idiom for user accounts.
  std::string filter = "(&(objectCategory=person)(objectClass=user))";
  // directory.ca_file: CA bundle that verifies the server certificate; empty uses the
  // system's default trust store (ldap.conf TLS_CACERT).
  std::string ca_file;
  // directory.starttls: for ldap:// URIs, upgrade with StartTLS. Always true after validation:
  // an unencrypted connection would send the bind password in the clear.
  bool starttls = true;
  // directory.insecure_skip_tls_verify_never_in_production: accept any server certificate.
  // Only for a laboratory; it lets anyone in the network path read the password.
  bool tls_verify_never_use_in_production = false;
  // directory.network_timeout (seconds): connecting and the TLS handshake.
  int network_timeout_s = 10;
  // directory.operation_timeout (seconds): bind, and the longest wait for any one message of
  // a search; a read that stalls longer ends as an incomplete snapshot.
  int operation_timeout_s = 60;
  // directory.page_size: entries per page of the paged search (RFC 2696); AD caps it at 1000.
  int page_size = 1000;
  // directory.key_attribute: the stable identity of an employee. objectGUID (binary, shown in
  // AD's canonical form) survives renames and moves; employeeID or any other string attribute
  // is used as read.
  std::string key_attribute = "objectGUID";
  // directory.long_leave_attribute, optional: attribute whose value marks long leave
  // (Employee::long_leave_marker); empty reads none.
  std::string long_leave_attribute;
  // directory.identity_code_attribute, optional: attribute holding the personal identity code
  // (Employee::identity_code); empty reads none. Its values are never logged.
  std::string identity_code_attribute;
  // directory.map.*: the attribute of each Employee field.
  AttributeMap attributes;
  // directory.member_of, optional: read only members of this group (a DN). Escaped (RFC 4515)
  // into the filter as (memberOf=<DN>), so no value can change the filter's meaning.
  std::string member_of;
  // directory.range_window: values of a multi-valued attribute asked for per request (AD range
  // retrieval, "memberOf;range=0-499"); 0 asks for all and lets the server decide (AD then
  // sends 1500 at a time). The connector follows the ranges to the end either way.
  int range_window = 0;
  // directory.retries: further attempts after a transient failure (connect, bind or a
  // connection lost mid-read), each after an exponential backoff with jitter (common/backoff.h)
  // from directory.retry_delay up to directory.retry_max_delay seconds. A retried read starts
  // again from the beginning: paging cookies do not survive a connection.
  int retries = 3;
  int retry_delay_s = 1;
  int retry_max_delay_s = 30;
  // directory.clock_skew_margin (seconds): on servers without update sequence numbers (OpenLDAP),
  // incremental reads use modifyTimestamp; the watermark is this client's clock minus this margin,
  // so a server clock up to this far behind ours loses nothing (changes are read again at worst).
  int clock_skew_margin_s = 300;
};

// The "directory.*" options with help text and defaults, for the daemon's and the CLI's
// command line and configuration file.
boost::program_options::options_description ldap_options_description();

// Converts and validates parsed options. Throws ConfigError naming the offending option,
// e.g. "directory.uri: must start with ldaps:// or ldap://". Does not read the password file
// (that happens at connect time, so a rotated password is picked up without a restart).
LdapOptions ldap_options_from(const boost::program_options::variables_map& vm);

// Checks an LdapOptions built in code (tests, other front ends) the same way; throws
// ConfigError naming the option.
void validate(const LdapOptions& options);

}  // namespace valtuus
