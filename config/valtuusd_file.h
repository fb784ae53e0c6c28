// What valtuusd.conf may hold: the options of every part valtuusd runs (directory, database,
// policy, reconcile rules, identity key, guard, metrics, SLA targets, sync loop). valtuusd and
// valtuusctl both read the file and accept exactly these, so neither program refuses a file
// the other one wrote options for; valtuusctl gets them from here without linking the daemon
// or libldap.
#pragma once

#include <boost/program_options.hpp>

namespace valtuus {

boost::program_options::options_description valtuusd_file_options();

}  // namespace valtuus
