// The organisation's rules for leavers, movers and long leave: declared here because the
// daemon and valtuusctl (policy explain, preview) both reconcile.
#pragma once

#include <boost/program_options.hpp>

#include "core/reconcile_state.h"

namespace valtuus {

boost::program_options::options_description reconcile_options_description();
// Throws ConfigError naming the option when a value is out of range.
LeaverRules leaver_rules_from(const boost::program_options::variables_map& vm);

}  // namespace valtuus
