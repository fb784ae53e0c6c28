#include "core/guard.h"

#include <algorithm>

namespace valtuus {

namespace {

// "12.5%": one decimal, so that a share just over the limit does not print as the limit.
std::string percent_text(long long part, long long whole) {
  const long long tenths = whole > 0 ? part * 1000 / whole : 1000;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "%";
}

void add_reason(GuardVerdict& verdict, const std::string& reason) {
  verdict.held = true;
  if (!verdict.reason.empty()) verdict.reason += "; ";
  verdict.reason += reason;
}

}  // namespace

GuardVerdict check_guard(const GuardInput& input, const GuardOptions& options) {
  GuardVerdict verdict;
  if (!options.enabled) return verdict;
  const long long revokes =
      std::count_if(input.plan.add.begin(), input.plan.add.end(),
                    [](const ProposedItem& item) { return item.kind == ChangeKind::kRevoke; });
  const auto supersedes = static_cast<long long>(input.plan.supersede.size());

  if (revokes > options.max_revokes) {
    add_reason(verdict, std::to_string(revokes) + " revocations exceed guard.max_revokes=" +
                            std::to_string(options.max_revokes));
  }
  // revokes / grants > percent / 100, in integers. An empty ledger makes any revocation 100%.
  const long long grants = std::max(input.current_grants, 0LL);
  if (revokes > 0 && revokes >= options.min_revokes_for_percent &&
      revokes * 100 > static_cast<long long>(options.max_revoke_percent) * grants) {
    add_reason(verdict, std::to_string(revokes) + " revocations are " +
                            percent_text(revokes, grants) + " of " + std::to_string(grants) +
                            " grants in the ledger, over guard.max_revoke_percent=" +
                            std::to_string(options.max_revoke_percent));
  }
  // Every run after an incomplete read is held, even one that changes nothing: a directory
  // that suddenly reads empty or short (a moved OU, a reader account that lost its rights) is
  // itself what a person must hear about, and the held run is how they do (mail, metrics,
  // `valtuusctl runs list --held`). The reconcile already revokes nobody it did not read.
  if (options.hold_incomplete && !input.snapshot_complete) {
    const std::string why =
        input.incomplete_reason.empty() ? "no reason given" : input.incomplete_reason;
    add_reason(verdict, "the directory read was incomplete (" + why + ") and the run has " +
                            std::to_string(revokes) + " revocations and " +
                            std::to_string(supersedes) + " supersedes (guard.hold_incomplete)");
  }
  if (input.refused_entries > options.max_refused) {
    add_reason(verdict, std::to_string(input.refused_entries) +
                            " directory entries were refused, over guard.max_refused=" +
                            std::to_string(options.max_refused) +
                            " (see valtuusctl runs show for which and why)");
  }
  return verdict;
}

}  // namespace valtuus
