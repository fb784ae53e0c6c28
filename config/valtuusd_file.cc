#include "config/valtuusd_file.h"

#include "common/guard_options.h"
#include "common/identity_options.h"
#include "common/policy_options.h"
#include "common/reconcile_options.h"
#include "common/sla_options.h"
#include "config/metrics_options.h"
#include "config/sync_options.h"
#include "connectors/ldap/ldap_options.h"
#include "connectors/postgres/postgres_options.h"

namespace valtuus {

boost::program_options::options_description valtuusd_file_options() {
  boost::program_options::options_description options;
  options.add(ldap_options_description())
      .add(database_options_description())
      .add(policy_options_description())
      .add(reconcile_options_description())
      .add(identity_options_description())
      .add(guard_options_description())
      .add(metrics_options_description())
      .add(sla_options_description())
      .add(daemon_shared_options());
  return options;
}

}  // namespace valtuus
