#include "core/reconcile.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "core/calendar.h"
#include "core/dn.h"
#include "core/fingerprint.h"
#include "core/in_two.h"
#include "core/matching.h"
#include "core/needs.h"
#include "core/position_index.h"
#include "core/text_fold.h"

namespace valtuus {

namespace {

using std::chrono::days;
using std::chrono::sys_days;

bool folded_in(const std::vector<std::string>& values, std::string_view actual) {
  return std::any_of(values.begin(), values.end(),
                     [&](const std::string& v) { return folded_equal(v, actual); });
}

// The configured OUs, parsed once per reconcile rather than once per employee.
struct LeaverOus {
  explicit LeaverOus(const LeaverRules& rules)
      : leavers(rules.leavers_ous), long_leave(rules.long_leave_ous) {}
  OuSet leavers, long_leave;
};

// employee_status with the OUs parsed, and the entry's DN parsed once for both.
EmployeeStatus status_of(const Employee& e, const LeaverRules& rules, const LeaverOus& ous,
                         TimePoint now) {
  if (e.account_expires && *e.account_expires <= now) return EmployeeStatus::kLeftExpired;
  std::optional<std::vector<NormalizedRdn>> position;
  if (!ous.leavers.empty() || !ous.long_leave.empty()) position = parse_dn(e.dn);
  if (position && ous.leavers.contains(*position)) return EmployeeStatus::kLeftOu;
  const bool marked_on_leave =
      !e.long_leave_marker.empty() &&
      (rules.long_leave_values.empty() || folded_in(rules.long_leave_values, e.long_leave_marker));
  if (marked_on_leave || (position && ous.long_leave.contains(*position))) {
    return EmployeeStatus::kLongLeave;
  }
  if (e.disabled) return EmployeeStatus::kLeftDisabled;
  return EmployeeStatus::kActive;
}

const char* leave_text(EmployeeStatus status) {
  switch (status) {
    case EmployeeStatus::kLeftDisabled:
      return "the account is disabled";
    case EmployeeStatus::kLeftExpired:
      return "the account has expired";
    case EmployeeStatus::kLeftOu:
      return "the account is in the leavers' OU";
    default:
      return "the person is no longer in the directory";
  }
}

std::string_view kind_name(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kGrant:
      return "grant";
    case ChangeKind::kOrgApply:
      return "org_apply";
    case ChangeKind::kRevoke:
      return "revoke";
    case ChangeKind::kRenew:
      return "renew";
  }
  return "";
}

// (employee, mandate) and (kind, employee, mandate) as views into the inputs, which outlive the
// reconcile: look-ups cost a hash, not an allocation.
struct PairKey {
  std::string_view employee, mandate;
  bool operator==(const PairKey&) const = default;
};
struct ItemKey {
  ChangeKind kind;
  std::string_view employee, mandate;
  bool operator==(const ItemKey&) const = default;
};
struct KeyHash {
  std::size_t operator()(const PairKey& k) const {
    return std::hash<std::string_view>{}(k.employee) * 31 +
           std::hash<std::string_view>{}(k.mandate);
  }
  std::size_t operator()(const ItemKey& k) const {
    return (*this)(PairKey{k.employee, k.mandate}) * 7 + static_cast<std::size_t>(k.kind);
  }
};

// Why an employee needs a theme: the first rule that requires it (maps in policy order, then
// order forms), and a digest of every rule that does and the values each matched.
struct Need {
  const Employee* employee = nullptr;
  const MandateIssue* mandate = nullptr;
  const AuthorisationMap* map = nullptr;  // the first map, or nullptr for a request
  const MapGrant* grant = nullptr;        // its grant line
  // The first map's match, with the values it matched: it points into the person's
  // requirements, which live while the person's needs are proposed (an item copies the values).
  const CompiledPolicy::Match* match = nullptr;
  const ManualRequest* request = nullptr;  // the first request when no map requires it
  Fingerprinter sources;
};

bool role_changed(const EmployeeHistory& h, const Employee& e) {
  return !folded_equal(h.department.str(), e.department) || !folded_equal(h.title.str(), e.title) ||
         !folded_equal(h.ou.str(), e.ou);
}

}  // namespace

// Whom the refused entries are (invariant 9): by key when the connector could read it, else
// by DN (without regard to case), else by account, among the people read and those stored.
// Only deciding fields count (refuses_person): a refused mail address decides nothing.
std::unordered_set<std::string> refused_people(const Snapshot& snapshot,
                                               const ReconcileState& state) {
  std::unordered_set<std::string> refused;
  // By the digest of the folded value (the history keeps no more than that).
  std::unordered_map<std::uint64_t, std::string> by_dn, by_account;  // folded → key
  bool indexed = false;
  auto index = [&] {
    for (const auto& [key, h] : state.history) {
      if (!h.dn.empty()) by_dn.emplace(h.dn.value(), key);
      if (!h.account.empty()) by_account.emplace(h.account.value(), key);
    }
    // The read's own values win over stored ones: a DN now belongs to whoever holds it now.
    for (const Employee& e : snapshot.employees) {
      by_dn[FoldedDigest::of(e.dn)] = e.key;
      by_account[FoldedDigest::of(e.account)] = e.key;
    }
    indexed = true;
  };
  for (const RefusedValue& r : snapshot.refused) {
    if (!refuses_person(r)) continue;
    if (!r.key.empty()) {
      refused.insert(r.key);
      continue;
    }
    if (!indexed) index();
    if (auto it = by_dn.find(FoldedDigest::of(r.dn)); !r.dn.empty() && it != by_dn.end()) {
      refused.insert(it->second);
    } else if (auto acc = by_account.find(FoldedDigest::of(r.account));
               !r.account.empty() && acc != by_account.end()) {
      refused.insert(acc->second);
    }
  }
  return refused;
}

namespace {

class Reconciler {
 public:
  explicit Reconciler(const ReconcileInput& in)
      : in_(in), today_(std::chrono::floor<days>(in.now)), compiled_(in.policy), ous_(in.rules) {}

  Plan run() {
    resolve_refused();
    const std::size_t count = in_.snapshot.employees.size();
    if (in_.only == nullptr && count >= 2 && count >= in_.parallel_from) {
      // A whole read of many people: what each entry says of itself is seen on this thread
      // while another indexes the state and the people read, which classifying then finds
      // ready (the same index: every entry not refused, in the order read).
      seen_.resize(count);
      in_two([&] { see(0, count); },
             [&] {
               index_state();
               index_read();
             });
      read_indexed_ = true;
    } else {
      index_state();
    }
    classify_employees();
    propose_grants_and_renewals();
    if (in_.snapshot.complete) propose_revokes();
    supersede_unwanted();
    finish();
    return std::move(plan_);
  }

 private:
  struct Open {
    const OpenItem* item;
    bool wanted = false;    // this reconcile wants it as it is, or replaces it
    bool replaced = false;  // wanted, but its source values changed
  };

  // What the proposals for some people found, kept apart until absorb() makes it the plan's.
  struct Share {
    std::vector<ProposedItem> add;  // in the order wanted
    int suppressed = 0, unchanged = 0;
    std::vector<const Open*> wanted, replaced;  // open items wanted as they are, or replaced
    std::vector<std::uint32_t> needed;          // ledger positions some map or request requires
    std::set<const MandateIssue*> org_applies;  // themes a grant waits for the right to grant
    std::vector<Need> needs;                    // one person's at a time
    std::string scratch;
  };

  // Whether `key` is one of the people this reconcile decides about (everyone, unless `only`).
  bool in_scope(const std::string& key) const {
    return in_.only == nullptr || in_.only->count(key) > 0;
  }

  void index_state() {
    open_.reserve(in_.only ? in_.only->size() : in_.state.open_items.size());
    for (const OpenItem& item : in_.state.open_items) {
      // The organisation's applications stay indexed: a person in scope may want one.
      if (!item.employee_key.empty() && !in_scope(item.employee_key)) continue;
      if (is_open(item.state)) open_[{item.kind, item.employee_key, item.mandate}] = {&item};
    }
    const std::vector<LedgerGrant>& ledger = in_.state.ledger;
    held_.reserve(in_.only ? in_.only->size() * 2 : ledger.size());
    needed_.assign(ledger.size(), false);
    auto hold = [&](std::size_t i) {
      const LedgerGrant& g = ledger[i];
      if (!in_force(g.valid_until, today_)) return;  // ended: no longer held
      // Several records of one grant: the one that lasts longest counts, whatever the order.
      auto [kept, added] = held_.insert(static_cast<std::uint32_t>(i));
      const LedgerGrant& stored = ledger[*kept];
      if (!added && stored.valid_until &&
          (!g.valid_until || *g.valid_until > *stored.valid_until)) {
        *kept = static_cast<std::uint32_t>(i);
      }
    };
    if (in_.only != nullptr && in_.state.ledger_by_employee) {
      for (const std::string& key : *in_.only) {
        auto g = std::lower_bound(
            ledger.begin(), ledger.end(), key,
            [](const LedgerGrant& a, const std::string& k) { return a.employee_key < k; });
        for (; g != ledger.end() && g->employee_key == key; ++g) {
          hold(static_cast<std::size_t>(g - ledger.begin()));
        }
      }
    } else {
      for (std::size_t i = 0; i < ledger.size(); ++i) {
        if (in_scope(ledger[i].employee_key)) hold(i);
      }
    }
    for (const ExceptionRecord& e : in_.state.exceptions) {
      if (!e.employee_key.empty() && !in_scope(e.employee_key)) continue;
      if (!e.until || *e.until > in_.now) {
        exceptions_[{e.kind, e.employee_key, e.mandate}].push_back(e.fingerprint);
      }
    }
  }

  void resolve_refused() {
    refused_ = refused_people(in_.snapshot, in_.state);
    plan_.refused.assign(refused_.begin(), refused_.end());
    plan_.stats.refused_people = static_cast<int>(refused_.size());
  }

  void classify_employees() {
    const std::vector<Employee>& all = in_.snapshot.employees;
    status_.assign(all.size(), EmployeeStatus::kActive);
    if (in_.only != nullptr && in_.index != nullptr && in_.index->usable()) {
      // The few people in scope, found by key: nobody else is looked at.
      employees_.reserve(in_.only->size());
      for (const std::string& key : *in_.only) {
        if (const std::optional<std::size_t> at = in_.index->find(all, key)) classify(*at);
      }
    } else {
      if (!read_indexed_) employees_.reserve(in_.only ? in_.only->size() : all.size());
      read_.reserve(in_.only ? in_.only->size() : all.size());
      for (std::size_t i = 0; i < all.size(); ++i) classify(i);
    }
    // Every entry classified was indexed under its own key unless a key was read twice.
    keys_distinct_ = employees_.size() == read_.size();
    if (in_.snapshot.complete) add_absent_leavers();
    plan_.stats.employees_read = static_cast<int>(in_.snapshot.employees.size());
    plan_.stats.leavers = static_cast<int>(plan_.leavers.size());
    plan_.stats.on_long_leave = static_cast<int>(plan_.on_long_leave.size());
  }

  // The entry at `position` in the snapshot.
  // Each entry's status and whether its role changed since stored, for entries [begin, end):
  // what classify() would find, computed ahead. Writes seen_[begin, end) alone.
  void see(std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const Employee& e = in_.snapshot.employees[i];
      const auto h = in_.state.history.find(e.key);
      seen_[i] = {status_of(e, in_.rules, ous_, in_.now),
                  h != in_.state.history.end() && role_changed(h->second, e)};
    }
  }

  // employees_ as classify() would build it over a whole read.
  void index_read() {
    const std::vector<Employee>& all = in_.snapshot.employees;
    employees_.reserve(all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (!refused_.count(all[i].key)) employees_.insert(static_cast<std::uint32_t>(i));
    }
  }

  void classify(std::size_t position) {
    const Employee& e = in_.snapshot.employees[position];
    if (refused_.count(e.key) || !in_scope(e.key)) return;  // as if not read
    const bool seen = !seen_.empty();
    const EmployeeStatus status =
        seen ? seen_[position].status : status_of(e, in_.rules, ous_, in_.now);
    status_[position] = status;
    // A key read twice counts as first read, and both entries need what they need.
    if (!read_indexed_) employees_.insert(static_cast<std::uint32_t>(position));
    read_.push_back(static_cast<std::uint32_t>(position));
    if (is_leaver(status)) plan_.leavers.push_back(e.key);
    if (status == EmployeeStatus::kLongLeave) plan_.on_long_leave.push_back(e.key);
    if (seen) {
      if (seen_[position].moved) plan_.role_changed.push_back(e.key);
      return;
    }
    auto h = in_.state.history.find(e.key);
    if (h != in_.state.history.end() && role_changed(h->second, e)) {
      plan_.role_changed.push_back(e.key);
    }
  }

  // Only after a complete read (invariant 5): a stored person it did not find has left the
  // directory. Those already recorded as absent are not counted again, and a person whose entry
  // was refused was not read at all (invariant 9).
  void add_absent_leavers() {
    if (in_.only != nullptr) {
      for (const std::string& key : *in_.only) {
        const auto history = in_.state.history.find(key);
        if (history != in_.state.history.end() && !history->second.absent &&
            !employees_.contains(key) && !refused_.count(key)) {
          plan_.leavers.push_back(key);
          plan_.absent.push_back(key);
        }
      }
      return;
    }
    for (const auto& [key, history] : in_.state.history) {
      if (!history.absent && !employees_.contains(key) && !refused_.count(key)) {
        plan_.leavers.push_back(key);
        plan_.absent.push_back(key);
      }
    }
  }

  static Need& need_for(std::vector<Need>& needs, const Employee& e, const MandateIssue& mandate) {
    for (Need& need : needs) {
      if (need.mandate == &mandate) return need;  // an employee needs only a few
    }
    needs.push_back(Need{&e, &mandate, nullptr, nullptr, nullptr, nullptr, {}});
    return needs.back();
  }

  // The folded form of a matched value, for the digest: folded values do not churn items when
  // a directory rewrites a value in another case.
  static std::string_view folded_value(const FoldedEmployee& fe, const std::string& attribute,
                                       const std::string& raw, std::string& scratch) {
    if (attribute == "department") return fe.department;
    if (attribute == "title") return fe.title;
    if (attribute == "ou") return fe.ou;
    scratch = fold(raw);
    return scratch;
  }

  // What each person needs, then the grants and renewals that follow from it, one person at a
  // time: no more than one person's needs are held (all of them were 10 MB at 100,000 people).
  // The order of the items wanted is that of the needs, person by person, as it always was.
  // Many people are shared between two threads, each a contiguous half of them (the people are
  // independent of each other here): the halves' results, merged in the order of the people,
  // are exactly what one pass would have given.
  void propose_grants_and_renewals() {
    std::unordered_map<std::string_view, std::vector<const ManualRequest*>> requests;
    for (const ManualRequest& r : in_.state.requests) requests[r.employee_key].push_back(&r);
    const std::size_t count = read_.size();
    Share first, second;
    if (count >= 2 && count >= in_.parallel_from) {
      const std::size_t half = count / 2;
      in_two([&] { propose_share(0, half, requests, first); },
             [&] { propose_share(half, count, requests, second); });
    } else {
      propose_share(0, count, requests, first);
    }
    // The shares' items become the plan's without being held twice: the first's vector is the
    // plan's, the second's is freed once appended (at 100,000 people each holds megabytes).
    if (plan_.add.empty()) {
      plan_.add = std::move(first.add);
      first.add = {};
    }
    absorb(first);
    absorb(second);
    std::vector<ProposedItem>().swap(second.add);
    std::set<const MandateIssue*> org_applies = std::move(first.org_applies);
    org_applies.merge(second.org_applies);
    for (const MandateIssue* mandate : org_applies) {
      ProposedItem item;
      item.kind = ChangeKind::kOrgApply;
      item.mandate = mandate->id;
      item.reason =
          "The organisation does not hold the right to grant this theme (valtuutusoikeus); apply "
          "to DVV (path 2) before the waiting grants can be executed";
      item.provenance.rule = mandate->location;
      item.fingerprint = fingerprint({"org_apply", mandate->id});
      want({ChangeKind::kOrgApply, {}, mandate->id}, std::move(item));
    }
  }

  // The grants and renewals of the people read_[begin, end), into `share`. Reads the
  // reconciler's indexes and inputs and writes nothing else, so that two shares may run at once.
  void propose_share(
      std::size_t begin, std::size_t end,
      const std::unordered_map<std::string_view, std::vector<const ManualRequest*>>& requests,
      Share& share) const {
    const std::vector<const ManualRequest*> none;
    // The people read and in scope, in the order read (the refused were not read: they need
    // nothing new and keep what they hold).
    for (std::size_t i = begin; i < end; ++i) {
      const Employee& e = in_.snapshot.employees[read_[i]];
      // The status is its key's (the first entry's, when a key was read twice).
      const std::uint32_t first = keys_distinct_ ? read_[i] : employees_.find(e.key);
      share.needs.clear();
      const auto own = requests.find(e.key);
      const PersonRequirements required =
          requirements_of(compiled_, e, standing_of(status_[first]),
                          own == requests.end() ? none : own->second, today_);
      if (!required.folded) continue;  // needs nothing
      const FoldedEmployee& folded = *required.folded;
      for (const Requirement& r : required.requirements) {
        Need& need = need_for(share.needs, e, *r.mandate);
        if (r.request != nullptr) {
          if (need.map == nullptr && need.request == nullptr) need.request = r.request;
          need.sources.add("request").add(static_cast<std::uint64_t>(r.request->id));
          continue;
        }
        const AuthorisationMap& map = r.match->map->map();
        if (need.map == nullptr) {
          need.map = &map;
          need.grant = r.grant;
          need.match = r.match;
        }
        need.sources.add(map.id);
        for (const auto& [attribute, value] : r.match->result.matched) {
          need.sources.add(attribute).add(folded_value(folded, attribute, value, share.scratch));
        }
      }
      for (Need& need : share.needs) propose_for(need, share);
    }
  }

  ProposedItem item_from(const Need& need, ChangeKind kind, std::string_view extra = {}) const {
    ProposedItem item;
    item.kind = kind;
    item.employee_key = need.employee->key;
    item.mandate = need.mandate->id;
    if (need.map != nullptr) {
      item.reason = need.grant->why;
      item.provenance = {need.map->id, need.grant->location, need.match->result.matched};
    } else {
      item.reason = need.request->why;
      item.provenance.map_id = "request:" + std::to_string(need.request->id);
    }
    Fingerprinter f;
    f.add(kind_name(kind)).add(item.employee_key).add(item.mandate).add(need.sources.value());
    if (!extra.empty()) f.add(extra);
    item.fingerprint = f.hex();
    return item;
  }

  // A grant for a need not held, a renewal for one held that is about to end.
  void propose_for(const Need& need, Share& share) const {
    const PairKey key{need.employee->key, need.mandate->id};
    const std::uint32_t held = held_.find(key);
    if (held != kNoPosition) share.needed.push_back(held);
    if (held == kNoPosition) {
      // The path is part of what the item says: when the organisation obtains the right to
      // grant, the waiting grant is replaced by one a person can execute now.
      const bool path2 = !organisation_can_grant(*need.mandate, in_.state, in_.now);
      ProposedItem item = item_from(need, ChangeKind::kGrant, path2 ? "path2" : "");
      if (path2) {
        item.waits_for_org_apply = true;
        share.org_applies.insert(need.mandate);
      }
      want({ChangeKind::kGrant, key.employee, key.mandate}, std::move(item), share);
      return;
    }
    // A mandate cannot be extended: near its end date it must be granted again.
    const LedgerGrant& grant = in_.state.ledger[held];
    if (grant.valid_until &&
        *grant.valid_until - days(need.mandate->renewal_notice_days) <= today_) {
      const std::string end = format_iso_date(*grant.valid_until);
      ProposedItem item = item_from(need, ChangeKind::kRenew, end);
      item.reason = "The grant ends on " + end + " and the work still needs it: " + item.reason;
      want({ChangeKind::kRenew, key.employee, key.mandate}, std::move(item), share);
    }
  }

  // Only for a complete snapshot (invariant 5): someone missing from an incomplete read may
  // simply not have been read.
  void propose_revokes() {
    held_.for_each([&](std::uint32_t held) { propose_revoke(held); });
  }

  void propose_revoke(std::uint32_t held) {
    if (needed_[held]) return;  // stands (held_verdict), and most do: spare the look-ups
    const LedgerGrant* grant = &in_.state.ledger[held];
    const PairKey key{grant->employee_key, grant->mandate};
    const std::uint32_t found = employees_.find(key.employee);
    const Employee* employee = found == kNoPosition ? nullptr : &in_.snapshot.employees[found];
    const EmployeeStatus status = employee ? status_[found] : EmployeeStatus::kLeftDisabled;
    const HeldVerdict verdict =
        held_verdict(false, employee ? std::optional<Standing>(standing_of(status)) : std::nullopt);
    if (!calls_for_revoke(verdict)) return;  // needed, or kept on long leave
    // Someone whose entry was refused is not absent: their grants stay until a good read.
    if (refused_.count(std::string(key.employee))) return;
    const bool left = verdict != HeldVerdict::kNotRequired;
    const ItemKey item_key{ChangeKind::kRevoke, key.employee, key.mandate};
    const days grace = left ? in_.rules.leaver_grace : in_.rules.mover_grace;
    if (grace.count() > 0) {
      const std::optional<TimePoint> since = grace_start(grant->employee_key, employee, left);
      if (since && in_.now - *since < grace) {
        ++plan_.stats.revokes_in_grace;
        plan_.in_grace.push_back(grant->employee_key);
        if (auto open = open_.find(item_key); open != open_.end()) {
          open->second.wanted = true;  // an open revoke stays open
        }
        return;
      }
    }
    ProposedItem item;
    item.kind = ChangeKind::kRevoke;
    item.employee_key = grant->employee_key;
    item.mandate = grant->mandate;
    std::string cause;
    if (employee == nullptr) {
      item.reason = "The person has left: the person is no longer in the directory";
      cause = "left:absent";
    } else if (left) {
      item.reason = std::string("The person has left: ") + leave_text(status);
      cause = "left:" + to_string(status);
    } else {
      item.reason =
          "No authorisation map or request requires this theme for the person's "
          "current department (" +
          employee->department.str() + ") and title (" + employee->title.str() + ")";
      cause = "moved:" + fold(employee->department) + "|" + fold(employee->title) + "|" +
              fold(employee->ou);
    }
    item.fingerprint = fingerprint({"revoke", item.employee_key, item.mandate, cause});
    want(item_key, std::move(item));
  }

  // When the grace period of a revocation started: when the person left or their role last
  // changed, as stored; now, when this very read shows the change. Nothing for someone never
  // seen at all (a grant imported for a person who had left before Valtuus started).
  std::optional<TimePoint> grace_start(const std::string& key, const Employee* employee,
                                       bool left) const {
    auto found = in_.state.history.find(key);
    if (found == in_.state.history.end()) {
      return employee ? std::optional<TimePoint>(in_.now) : std::nullopt;
    }
    const EmployeeHistory& h = found->second;
    if (left) return h.left_at ? *h.left_at : in_.now;
    if (role_changed(h, *employee) || !h.role_changed_at) return in_.now;
    return *h.role_changed_at;
  }

  // Adds `item` unless an open item with the same source values already stands for it, or a
  // reviewer rejected exactly this change and the exception still holds. `key` views the
  // inputs, not the item, whose strings move. Into `share`, which absorb() applies: only
  // reads here, so that two shares may want at once.
  void want(const ItemKey& key, ProposedItem item, Share& share) const {
    if (auto rejected = exceptions_.find(key); rejected != exceptions_.end()) {
      const auto& prints = rejected->second;
      if (std::find(prints.begin(), prints.end(), item.fingerprint) != prints.end()) {
        ++share.suppressed;
        return;  // not wanted: an open item for it (if any) is superseded below
      }
    }
    auto open = open_.find(key);
    if (open != open_.end()) {
      share.wanted.push_back(&open->second);
      if (open->second.item->fingerprint == item.fingerprint) {
        ++share.unchanged;
        return;
      }
      share.replaced.push_back(&open->second);  // its source values changed: supersede it
    }
    share.add.push_back(std::move(item));
  }

  void want(const ItemKey& key, ProposedItem item) {
    want(key, std::move(item), direct_);
    absorb(direct_);
  }

  // What a share wanted, now the plan's (after those absorbed before it), and emptied.
  void absorb(Share& share) {
    plan_.add.insert(plan_.add.end(), std::make_move_iterator(share.add.begin()),
                     std::make_move_iterator(share.add.end()));
    plan_.stats.suppressed += share.suppressed;
    plan_.stats.unchanged += share.unchanged;
    // The shares only read open_; its elements are the reconciler's to change.
    for (const Open* open : share.wanted) const_cast<Open*>(open)->wanted = true;
    for (const Open* open : share.replaced) const_cast<Open*>(open)->replaced = true;
    for (const std::uint32_t held : share.needed) needed_[held] = true;
    share.add.clear();
    share.suppressed = share.unchanged = 0;
    share.wanted.clear();
    share.replaced.clear();
    share.needed.clear();
  }

  // An incomplete read says nothing about whom it did not read: their items, the pending
  // revocations and the organisation's applications stay as they are. Neither does a refused
  // entry, in any read: that person's items all stay.
  bool keep_despite_incomplete_read(const OpenItem& item) const {
    if (!item.employee_key.empty() && refused_.count(item.employee_key)) return true;
    if (in_.snapshot.complete) return false;
    return item.kind == ChangeKind::kRevoke || item.kind == ChangeKind::kOrgApply ||
           !employees_.contains(item.employee_key);
  }

  void supersede_unwanted() {
    for (const auto& [key, open] : open_) {
      // Whether anyone still needs the organisation's application is for a whole reconcile.
      if (in_.only != nullptr && !open.replaced && open.item->kind == ChangeKind::kOrgApply) {
        continue;
      }
      if (open.replaced || (!open.wanted && !keep_despite_incomplete_read(*open.item))) {
        plan_.supersede.push_back(open.item->id);
      }
    }
  }

  void finish() {
    std::sort(plan_.add.begin(), plan_.add.end(), [](const ProposedItem& a, const ProposedItem& b) {
      return std::tie(a.employee_key, a.mandate, a.kind) <
             std::tie(b.employee_key, b.mandate, b.kind);
    });
    std::sort(plan_.supersede.begin(), plan_.supersede.end());
    for (auto* keys : {&plan_.leavers, &plan_.absent, &plan_.on_long_leave, &plan_.role_changed,
                       &plan_.refused}) {
      std::sort(keys->begin(), keys->end());
    }
    std::sort(plan_.in_grace.begin(), plan_.in_grace.end());
    plan_.in_grace.erase(std::unique(plan_.in_grace.begin(), plan_.in_grace.end()),
                         plan_.in_grace.end());
    for (const ProposedItem& item : plan_.add) {
      switch (item.kind) {
        case ChangeKind::kGrant:
          ++plan_.stats.grants;
          break;
        case ChangeKind::kOrgApply:
          ++plan_.stats.org_applies;
          break;
        case ChangeKind::kRevoke:
          ++plan_.stats.revokes;
          break;
        case ChangeKind::kRenew:
          ++plan_.stats.renews;
          break;
      }
    }
    plan_.stats.superseded = static_cast<int>(plan_.supersede.size());
  }

  const ReconcileInput& in_;
  const sys_days today_;
  const CompiledPolicy compiled_;
  const LeaverOus ous_;
  Plan plan_;
  // The people read (positions in the snapshot), by key; the first entry of a key counts.
  struct EmployeeKeyOf {
    const std::vector<Employee>* employees;
    std::string_view operator()(std::uint32_t i) const { return (*employees)[i].key; }
  };
  PositionIndex<std::string_view, EmployeeKeyOf, std::hash<std::string_view>> employees_{
      EmployeeKeyOf{&in_.snapshot.employees}};
  std::vector<EmployeeStatus> status_;  // by position in the snapshot, of those indexed
  // By position in the snapshot, when a whole read was seen ahead (see()); else empty.
  struct Seen {
    EmployeeStatus status = EmployeeStatus::kActive;
    bool moved = false;  // role_changed() against the stored history
  };
  std::vector<Seen> seen_;
  bool keys_distinct_ = false;       // no key classified twice: an entry is its key's first
  bool read_indexed_ = false;        // employees_ was built ahead (index_read())
  std::vector<std::uint32_t> read_;  // every entry classified (positions), in the order read
  Share direct_;                     // what the reconciler itself wants, absorbed at once
  // The grants held now (positions in the ledger), by (employee, mandate): for records of the
  // same grant, the one that lasts longest.
  struct GrantKeyOf {
    const std::vector<LedgerGrant>* ledger;
    PairKey operator()(std::uint32_t i) const {
      return {(*ledger)[i].employee_key, (*ledger)[i].mandate};
    }
  };
  PositionIndex<PairKey, GrantKeyOf, KeyHash> held_{GrantKeyOf{&in_.state.ledger}};
  std::vector<bool> needed_;  // by position in the ledger: some map or request still requires it
  std::unordered_map<ItemKey, Open, KeyHash> open_;
  std::unordered_map<ItemKey, std::vector<std::string_view>, KeyHash> exceptions_;
  std::unordered_set<std::string> refused_;  // keys of people whose entry was refused
};

}  // namespace

EmployeeStatus employee_status(const Employee& e, const LeaverRules& rules, TimePoint now) {
  return status_of(e, rules, LeaverOus(rules), now);
}

bool is_leaver(EmployeeStatus status) {
  return status == EmployeeStatus::kLeftDisabled || status == EmployeeStatus::kLeftExpired ||
         status == EmployeeStatus::kLeftOu;
}

std::string to_string(EmployeeStatus status) {
  switch (status) {
    case EmployeeStatus::kActive:
      return "active";
    case EmployeeStatus::kLongLeave:
      return "long_leave";
    case EmployeeStatus::kLeftDisabled:
      return "disabled";
    case EmployeeStatus::kLeftExpired:
      return "expired";
    case EmployeeStatus::kLeftOu:
      return "leavers_ou";
  }
  return "active";
}

bool organisation_can_grant(const MandateIssue& mandate, const ReconcileState& state,
                            TimePoint now) {
  if (state.organisation_rights.count(mandate.id)) return true;
  if (!mandate.organisation_holds) return false;
  const auto& until = mandate.grant_right.until;
  return !until || *until >= std::chrono::floor<days>(now);
}

std::unordered_set<std::string> people_time_may_change(
    const Snapshot& snapshot, const ReconcileState& state,
    const std::unordered_set<std::string>& in_grace, TimePoint since, TimePoint now) {
  std::unordered_set<std::string> people = in_grace;
  for (const Employee& e : snapshot.employees) {
    if (e.account_expires && *e.account_expires > since && *e.account_expires <= now) {
      people.insert(e.key);
    }
  }
  for (const ExceptionRecord& e : state.exceptions) {
    if (e.until && !e.employee_key.empty()) people.insert(e.employee_key);
  }
  return people;
}

ExpiringAccounts accounts_expiring_after(const Snapshot& snapshot, TimePoint since) {
  ExpiringAccounts expiring;
  for (const Employee& e : snapshot.employees) {
    if (e.account_expires && *e.account_expires > since) expiring[e.key] = *e.account_expires;
  }
  return expiring;
}

std::unordered_set<std::string> people_time_may_change(
    const ExpiringAccounts& expiring, const ReconcileState& state,
    const std::unordered_set<std::string>& in_grace, TimePoint since, TimePoint now) {
  std::unordered_set<std::string> people = in_grace;
  for (const auto& [key, expires] : expiring) {
    if (expires > since && expires <= now) people.insert(key);
  }
  for (const ExceptionRecord& e : state.exceptions) {
    if (e.until && !e.employee_key.empty()) people.insert(e.employee_key);
  }
  return people;
}

std::optional<FullReadScope> people_a_full_read_may_change(
    const Snapshot& snapshot, const ReconcileState& state, const LeaverRules& rules,
    const std::unordered_set<std::string>& in_grace, TimePoint since, TimePoint now,
    const RowDigest& row_digest, const KeyIndex* index) {
  if (!snapshot.complete) return std::nullopt;  // whom it did not read is no leaver
  const std::vector<Employee>& employees = snapshot.employees;
  // Where each key was read: a key read twice makes the index unusable, and which entry
  // counts is then the whole reconcile's to say.
  const KeyIndex own = index == nullptr ? KeyIndex(employees) : KeyIndex();
  if (index == nullptr) index = &own;
  if (!index->usable()) return std::nullopt;
  FullReadScope scope;
  scope.people = people_time_may_change(snapshot, state, in_grace, since, now);
  for (const std::string& key : refused_people(snapshot, state)) scope.people.insert(key);
  // The stored digests first, in a loop of their own: each look-up is a few cache misses, which
  // the processor overlaps between people only when nothing else comes in between. What the
  // next loop needs is copied out, so that it does not miss again on the history's nodes.
  std::vector<std::uint64_t> stored(employees.size(), 0);  // 0: new, absent or unknown
  std::size_t read_and_stored = 0;   // found in the history (each once: keys are distinct)
  std::size_t read_and_present = 0;  // of them, stored as present
  for (std::size_t i = 0; i < employees.size(); ++i) {
    const auto h = state.history.find(employees[i].key);
    if (h == state.history.end()) continue;
    ++read_and_stored;
    if (h->second.absent) continue;
    stored[i] = h->second.stored_digest;
    ++read_and_present;
  }
  const LeaverOus ous(rules);
  std::vector<EmployeeStatus> status(employees.size(), EmployeeStatus::kActive);
  for (std::size_t i = 0; i < employees.size(); ++i) {
    const Employee& e = employees[i];
    status[i] = status_of(e, rules, ous, now);
    // New, back after being absent, or not as the store last wrote it (its status included).
    if (stored[i] == 0 || row_digest(e, status[i]) != stored[i]) scope.people.insert(e.key);
  }
  // Stored and not read: they left the directory in this read. When everyone stored was read,
  // or everyone stored as present, there is none to look for: the pass over the history
  // follows its nodes one miss after another.
  if (read_and_stored != state.history.size()) {
    std::size_t present = 0;
    for (const auto& entry : state.history) present += entry.second.absent ? 0 : 1;
    if (present != read_and_present) {
      for (const auto& [key, h] : state.history) {
        if (!h.absent && !index->find(employees, key)) scope.people.insert(key);
      }
    }
  }
  for (std::size_t i = 0; i < employees.size(); ++i) {
    const std::string& key = employees[i].key;
    if (!is_leaver(status[i]) && status[i] != EmployeeStatus::kLongLeave) continue;
    if (!scope.people.empty() && scope.people.count(key)) continue;
    if (is_leaver(status[i])) scope.leavers.insert(key);
    if (status[i] == EmployeeStatus::kLongLeave) scope.on_long_leave.insert(key);
  }
  return scope;
}

Plan reconcile(const ReconcileInput& input) {
  return Reconciler(input).run();
}

void sort_ledger_by_employee(ReconcileState& state) {
  if (state.ledger_by_employee) return;
  std::sort(
      state.ledger.begin(), state.ledger.end(),
      [](const LedgerGrant& a, const LedgerGrant& b) { return a.employee_key < b.employee_key; });
  state.ledger_by_employee = true;
}

}  // namespace valtuus
