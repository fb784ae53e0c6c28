// valtuusd --once, --dry-run and --check: one cycle, then exit.
#pragma once

#include "daemon/loop_signals.h"
#include "daemon/settings.h"

namespace valtuus {

// One cycle in running.settings.daemon.mode (not kLoop), with no leadership (the sync lock
// still serialises the run against a leader's) and no retries: the caller sees the error in
// the exit code. Returns the exit code: kExitOk, or for --check kExitChangesPending when
// something waits and kExitFailure when stopped. Throws the connectors' errors.
int run_one(Running& running, LoopSignals& signals);

}  // namespace valtuus
