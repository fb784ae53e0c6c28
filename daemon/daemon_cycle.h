// One sync cycle as valtuusd runs it, for the loop and the one-shot modes alike: the cycle
// under the signals (a stop ends the directory read and, after the grace, cancels the query
// in flight), and what is reported after it (the journal's summary line, the metrics file).
#pragma once

#include "connectors/ldap/ldap_source.h"
#include "daemon/loop_signals.h"
#include "daemon/metrics.h"
#include "daemon/settings.h"
#include "daemon/sync_cycle.h"

namespace valtuus {

// Lets a stop (SIGTERM) end a read of `directory` in flight: it then stops with Cancelled
// within about a second, and the cycle reports `stopped`.
void stop_on_signal(LdapDirectorySource& directory, LoopSignals& signals);

// run_sync_cycle with running's policy, rules and identity key, the query in flight
// registered with `signals` for cancelling.
CycleResult run_cycle(Running& running, DirectorySource& directory, DirectoryMemory& memory,
                      SyncStore& database, const CycleOptions& options, LoopSignals& signals);

// The summary line, with the fields a journal query wants. Counts only: no name, no value.
void log_summary(const CycleResult& result);

// Logs the audit trail's newest event as an anchor line ("audit anchor: EVENT_ID HASH AT",
// docs/audit-anchors.md), so that a journal kept off the machine anchors the trail after every
// run. A failure to read it is logged and ignored: it must not fail the run that was written.
void log_audit_anchor(SyncStore& database);

// The metrics of a run; of a failed one when `result` is null.
RunMetrics metrics_of(const CycleResult* result);

// Writes the metrics file when one is configured and the database is connected. Failing to
// write it is logged as a warning: it is for monitoring and must not stop the service.
void write_metrics(const Settings& settings, const RunMetrics& metrics, SyncStore* database);

}  // namespace valtuus
