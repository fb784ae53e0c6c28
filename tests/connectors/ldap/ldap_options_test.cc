#include "connectors/ldap/ldap_options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/errors.h"

namespace valtuus {
namespace {

namespace po = boost::program_options;

po::variables_map parse(std::vector<std::string> args) {
  std::vector<const char*> argv = {"valtuusd"};
  for (const auto& a : args) argv.push_back(a.c_str());
  po::variables_map vm;
  po::store(po::parse_command_line(static_cast<int>(argv.size()), argv.data(),
                                   ldap_options_description()),
            vm);
  po::notify(vm);
  return vm;
}

std::vector<std::string> minimal() {
  return {"--directory.uri=ldaps://dc1.porvoo.fi/", "--directory.bind_dn=CN=svc,DC=porvoo,DC=fi",
          "--directory.password_file=ldap-password", "--directory.base=OU=Staff,DC=porvoo,DC=fi"};
}

// The message of the ConfigError that parsing `args` throws, or "" if none.
std::string error_of(std::vector<std::string> args) {
  try {
    ldap_options_from(parse(std::move(args)));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> with(std::vector<std::string> args, const std::string& extra) {
  args.push_back(extra);
  return args;
}

TEST(LdapOptions, DefaultsAsDocumented) {
  const LdapOptions o = ldap_options_from(parse(minimal()));
  EXPECT_EQ(o.uri, "ldaps://dc1.porvoo.fi/");
  EXPECT_EQ(o.bind_dn, "CN=svc,DC=porvoo,DC=fi");
  EXPECT_EQ(o.password_file, "ldap-password");
  EXPECT_EQ(o.bases, std::vector<std::string>{"OU=Staff,DC=porvoo,DC=fi"});
  EXPECT_EQ(o.filter, "(&(objectCategory=person)(objectClass=user))");
  EXPECT_TRUE(o.starttls);
  EXPECT_FALSE(o.tls_verify_never_use_in_production);
  EXPECT_EQ(o.network_timeout_s, 10);
  EXPECT_EQ(o.operation_timeout_s, 60);
  EXPECT_EQ(o.page_size, 1000);
  EXPECT_EQ(o.key_attribute, "objectGUID");
  EXPECT_EQ(o.long_leave_attribute, "");
  EXPECT_EQ(o.identity_code_attribute, "");
}

TEST(LdapOptions, BaseMayRepeat) {
  const LdapOptions o = ldap_options_from(parse(with(minimal(), "--directory.base=OU=B,DC=x")));
  EXPECT_EQ(o.bases.size(), 2u);
}

TEST(LdapOptions, EachRequiredOptionIsNamedWhenMissing) {
  for (const char* option :
       {"directory.uri", "directory.bind_dn", "directory.password_file", "directory.base"}) {
    std::vector<std::string> args;
    for (const auto& a : minimal()) {
      if (a.find(option) == std::string::npos) args.push_back(a);
    }
    EXPECT_EQ(error_of(args).rfind(option, 0), 0u) << option << ": " << error_of(args);
  }
}

TEST(LdapOptions, UriMustBeLdapOrLdaps) {
  std::vector<std::string> args = minimal();
  args[0] = "--directory.uri=http://dc1/";
  EXPECT_EQ(error_of(args).rfind("directory.uri: must start with ldaps:// or ldap://", 0), 0u);
  args[0] = "--directory.uri=ldaps://a/ ldaps://b/";
  EXPECT_EQ(error_of(args).rfind("directory.uri:", 0), 0u);
}

TEST(LdapOptions, PlainLdapIsRefusedWithoutStartTls) {
  std::vector<std::string> args = minimal();
  args[0] = "--directory.uri=ldap://dc1.porvoo.fi/";
  EXPECT_EQ(error_of(args), "");  // StartTLS by default
  const std::string message = error_of(with(args, "--directory.starttls=false"));
  EXPECT_EQ(message.rfind("directory.starttls:", 0), 0u) << message;
  EXPECT_NE(message.find("TLS"), std::string::npos);
}

TEST(LdapOptions, InsecureVerifyIsExplicit) {
  const LdapOptions o = ldap_options_from(
      parse(with(minimal(), "--directory.insecure_skip_tls_verify_never_in_production=true")));
  EXPECT_TRUE(o.tls_verify_never_use_in_production);
}

TEST(LdapOptions, RangesAreChecked) {
  EXPECT_EQ(error_of(with(minimal(), "--directory.page_size=0")).rfind("directory.page_size:", 0),
            0u);
  EXPECT_EQ(
      error_of(with(minimal(), "--directory.page_size=1001")).rfind("directory.page_size:", 0), 0u);
  EXPECT_EQ(error_of(with(minimal(), "--directory.page_size=1")), "");
  EXPECT_EQ(error_of(with(minimal(), "--directory.network_timeout=0"))
                .rfind("directory.network_timeout:", 0),
            0u);
  EXPECT_EQ(error_of(with(minimal(), "--directory.operation_timeout=-1"))
                .rfind("directory.operation_timeout:", 0),
            0u);
}

TEST(LdapOptions, FilterShapeIsChecked) {
  EXPECT_EQ(error_of(with(minimal(), "--directory.filter=objectClass=user"))
                .rfind("directory.filter:", 0),
            0u);
  EXPECT_EQ(error_of(with(minimal(), "--directory.filter=(&(objectClass=user)"))
                .rfind("directory.filter:", 0),
            0u);
  EXPECT_EQ(
      error_of(with(minimal(), "--directory.filter=(a=1)(b=2)")).rfind("directory.filter:", 0), 0u);
  EXPECT_EQ(error_of(with(minimal(), "--directory.filter=(&(objectClass=user)(!(cn=x)))")), "");
}

TEST(LdapOptions, AttributeNamesAreChecked) {
  EXPECT_EQ(error_of(with(minimal(), "--directory.key_attribute=employee ID"))
                .rfind("directory.key_attribute:", 0),
            0u);
  EXPECT_EQ(error_of(with(minimal(), "--directory.long_leave_attribute=extensionAttribute1")), "");
  EXPECT_EQ(error_of(with(minimal(), "--directory.identity_code_attribute=1.3.6.1.4.1.99999.1.1")),
            "");
}

TEST(LdapOptions, HelpListsEveryOption) {
  std::ostringstream help;
  help << ldap_options_description();
  for (const char* name :
       {"directory.uri", "directory.bind_dn", "directory.password_file", "directory.base",
        "directory.filter", "directory.ca_file", "directory.starttls",
        "directory.insecure_skip_tls_verify_never_in_production", "directory.network_timeout",
        "directory.operation_timeout", "directory.page_size", "directory.key_attribute",
        "directory.long_leave_attribute", "directory.identity_code_attribute"}) {
    EXPECT_NE(help.str().find(name), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace valtuus
