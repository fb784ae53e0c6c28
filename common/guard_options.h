// The guard's limits (core/guard.h): declared here, beside the reconcile's options, because the
// daemon applies them to every run and valtuusctl may show them.
#pragma once

#include <boost/program_options.hpp>

#include "core/guard.h"

namespace valtuus {

// guard.enabled, guard.max_revokes, guard.max_revoke_percent, guard.min_revokes_for_percent,
// guard.hold_incomplete, guard.max_refused; the defaults are those of GuardOptions.
boost::program_options::options_description guard_options_description();
// Throws ConfigError naming the option when a value is out of range.
GuardOptions guard_options_from(const boost::program_options::variables_map& vm);

}  // namespace valtuus
