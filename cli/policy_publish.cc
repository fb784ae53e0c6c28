// valtuusctl policy publish DIR: the organisation's authorisation maps as static HTML in
// Finnish, Swedish and English for the intranet (pages/map_publish.h), the same pages the
// console shows under /maps/. Which service path each theme takes today comes from the
// catalog and from the themes the organisation has obtained the right to grant (read from the
// database); nothing about a person is written.
#include "cli/command.h"
#include "common/exit_codes.h"
#include "common/log.h"
#include "common/policy_options.h"
#include "common/sla_options.h"
#include "connectors/postgres/reports.h"
#include "core/errors.h"
#include "pages/map_publish.h"
#include "policies/policy_loader.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

int policy_publish(CommandContext& ctx) {
  po::options_description options("policy publish");
  options.add_options()("dir", po::value<std::string>(), "the folder to write")(
      "policy-dir", po::value<std::string>(), "maps to publish (default: policy.dir)");
  po::positional_options_description positional;
  positional.add("dir", 1);
  const auto values = parse_command_options(ctx, options, &positional);
  if (!values.count("dir")) throw UsageError("policy publish: say where: DIR");
  const std::string out_dir = values["dir"].as<std::string>();
  const std::string policy_dir = values.count("policy-dir")
                                     ? values["policy-dir"].as<std::string>()
                                     : policy_options_from(ctx.config.values).dir;
  PolicyLoadResult loaded = load_policy_dir(policy_dir);
  if (!loaded.policy) {
    for (const PolicyDiagnostic& d : loaded.errors) log_error(format(d));
    log_error("policy publish: " + policy_dir + ": the maps are refused; nothing was written");
    return kExitFailure;
  }
  const SlaTargets sla = sla_targets_from(ctx.config.values);
  MapPageSettings settings;
  settings.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  settings.path1_days = sla.path1_days;
  settings.path2_days = sla.path2_days;
  {
    auto session = open_database(ctx);
    ReportReader reader(*session, settings.now);
    settings.organisation_rights = reader.organisation_rights();
    reader.finish();
  }
  const std::vector<std::string> written = publish_maps(*loaded.policy, settings, out_dir);
  ctx.out << "wrote " << written.size() << " files to " << out_dir << '\n';
  return kExitOk;
}

}  // namespace

std::vector<Command> policy_publish_commands() {
  return {{{"policy", "publish"},
           "write the authorisation maps as static HTML (fi, sv, en) into DIR",
           policy_publish}};
}

}  // namespace valtuus
