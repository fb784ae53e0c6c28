#include "common/reconcile_options.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {
namespace {

LeaverRules rules_from(std::vector<std::string> args) {
  std::vector<const char*> argv{"valtuusd"};
  for (const auto& arg : args) argv.push_back(arg.c_str());
  po::variables_map vm;
  po::store(po::parse_command_line(static_cast<int>(argv.size()), argv.data(),
                                   reconcile_options_description()),
            vm);
  po::notify(vm);
  return leaver_rules_from(vm);
}

TEST(ReconcileOptions, OusAreTakenAsDns) {
  const LeaverRules rules =
      rules_from({"--reconcile.leavers_ou=OU=Leavers,DC=kunta,DC=example",
                  "--reconcile.leavers_ou=OU=Sote\\, vanhat,DC=kunta,DC=example",
                  "--reconcile.long_leave_ou=OU=Leave,DC=kunta,DC=example"});
  EXPECT_EQ(rules.leavers_ous.size(), 2u);
  EXPECT_EQ(rules.long_leave_ous, std::vector<std::string>{"OU=Leave,DC=kunta,DC=example"});
}

TEST(ReconcileOptions, ABareNameIsRefusedShowingTheDnForm) {
  for (const char* option :
       {"--reconcile.leavers_ou=Leavers", "--reconcile.long_leave_ou=Leavers"}) {
    try {
      rules_from({option});
      ADD_FAILURE() << option << " was accepted";
    } catch (const ConfigError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(std::string(option).substr(2, std::string(option).find('=') - 2)),
                std::string::npos)
          << message;
      EXPECT_NE(message.find("OU=Leavers,DC="), std::string::npos) << message;
    }
  }
  EXPECT_THROW(rules_from({"--reconcile.leavers_ou=OU=bad\\qq,DC=x"}), ConfigError);
}

}  // namespace
}  // namespace valtuus
