// valtuusd as a service: the leader/follower loop. While this instance holds the leader lock
// it runs one cycle every interval (± jitter), incremental reads between full ones; transient
// failures are retried after a backoff and never end the loop; SIGHUP reloads, SIGTERM stops.
#pragma once

#include "daemon/loop_signals.h"
#include "daemon/settings.h"

namespace valtuus {

// Runs until a stop; returns kExitOk then. Throws ConfigError (exit 78) when the
// configuration turns out unusable, e.g. a database schema of another version.
// argc and argv are read again on each reload.
int run_loop(Running& running, int argc, const char* const argv[], LoopSignals& signals);

}  // namespace valtuus
