#include "connectors/postgres/employee_writer.h"

#include <deque>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "connectors/postgres/pg_arrays.h"
#include "connectors/postgres/pg_stage.h"
#include "connectors/postgres/pg_time.h"
#include "connectors/postgres/row_digest.h"
#include "core/in_two.h"
#include "core/key_index.h"

namespace valtuus {

namespace {

using KeySet = std::unordered_set<std::string_view>;

KeySet key_set(const std::vector<std::string>& keys) {
  return KeySet(keys.begin(), keys.end());
}

// As the database stores it (sql/006_outbox.sql): an unknown language is ''.
std::string_view stored_language(const std::string& language) {
  return language == "fi" || language == "sv" || language == "en" ? std::string_view(language)
                                                                  : std::string_view();
}

const char* status_of(const Employee& e, const KeySet& leavers, const KeySet& on_leave) {
  if (!leavers.empty() && leavers.count(e.key)) return "left";
  return !on_leave.empty() && on_leave.count(e.key) ? "long_leave" : "active";
}

// The managers' DNs as stored for `keys` (the history keeps none: they are needed only for
// the rare person whose manager value was refused).
std::unordered_map<std::string, std::string> managers_of(pqxx::work& txn, const KeySet& keys) {
  std::vector<std::string> wanted(keys.begin(), keys.end());
  std::unordered_map<std::string, std::string> managers;
  for (const auto& row :
       txn.exec_params("SELECT key, manager_dn FROM employee WHERE key = ANY($1::text[])",
                       text_array_literal(wanted))) {
    managers.emplace(row[0].as<std::string>(), row[1].as<std::string>());
  }
  return managers;
}

// The digest of one shared text (department, a group's DN, ...): a word of the row's digest.
std::uint64_t shared_digest(const std::string& text) {
  return RowDigest().add(text).value();
}

// employee_row_digest, with the shared texts' digests from `shared`.
template <typename Shared>
std::uint64_t row_digest(const Employee& e, std::string_view status, Shared&& shared) {
  RowDigest d;
  d.add("employee-row-2");  // the layout's version: a new layout rewrites every row once
  d.add(e.key).add(e.account).add(e.dn).add(e.given_name).add(e.surname).add(e.display_name);
  d.add(e.mail).add(shared(e.department)).add(shared(e.title)).add(shared(e.ou));
  d.add(static_cast<std::uint64_t>(e.groups.size()));
  for (const SharedText& group : e.groups) d.add(shared(group));
  d.add(std::uint64_t{e.disabled ? 1u : 0u});
  d.add(e.account_expires
            ? static_cast<std::uint64_t>(e.account_expires->time_since_epoch().count())
            : ~std::uint64_t{0});
  d.add(shared(e.long_leave_marker)).add(status).add(shared(e.manager));
  d.add(stored_language(e.preferred_language));
  return d.value();
}

}  // namespace

std::uint64_t employee_row_digest(const Employee& e, const std::string& status) {
  return row_digest(e, status, [](const SharedText& text) { return shared_digest(text); });
}

std::uint64_t EmployeeRowDigests::shared(const SharedText& value) {
  const std::string& text = value.str();
  const auto address = reinterpret_cast<std::uintptr_t>(&text);
  Slot& slot = slots_[(address * 0x9e3779b97f4a7c15ULL) >> (64 - kSlotBits)];
  if (slot.text != &text) slot = {&text, shared_digest(text)};
  return slot.digest;
}

std::uint64_t EmployeeRowDigests::operator()(const Employee& e, std::string_view status) {
  return row_digest(e, status, [this](const SharedText& text) { return shared(text); });
}

EmployeeWriteStats write_employees(pqxx::work& txn, long long run_id, const Snapshot& snapshot,
                                   const Plan& plan, const HistoryMap& history,
                                   const std::unordered_set<std::string>* only,
                                   std::size_t two_threads_from) {
  const KeySet leavers = key_set(plan.leavers);
  const KeySet on_leave = key_set(plan.on_long_leave);
  const KeySet moved = key_set(plan.role_changed);
  // People whose entry was refused were not read: their row keeps what the last good read saw.
  const KeySet refused = key_set(plan.refused);
  EmployeeWriteStats stats;
  struct Staged {
    const Employee* employee;
    const char* status;
    std::uint64_t digest;
  };
  // A refused manager is not "no manager" (invariant 9): such a person is written with the
  // manager stored before. Copies live here while the rows are staged.
  KeySet manager_refused;
  for (const RefusedValue& r : snapshot.refused) {
    if (r.field == "manager" && !r.key.empty()) manager_refused.insert(r.key);
  }
  const std::unordered_map<std::string, std::string> stored_managers =
      manager_refused.empty() ? std::unordered_map<std::string, std::string>()
                              : managers_of(txn, manager_refused);
  std::deque<Employee> kept_manager;
  const std::vector<Employee>& employees = snapshot.employees;
  // A whole snapshot of many people is looked at by two threads: the key index on one while
  // the stored rows are found on the other, then half the people's digests each.
  const bool two = only == nullptr && employees.size() >= 2 && employees.size() >= two_threads_from;
  // The stored rows first, in a loop of their own: each lookup is a few cache misses, which
  // the processor overlaps between people only when nothing else comes in between (at 100,000
  // people this halves their cost).
  const EmployeeHistory outside_only;  // marks the people outside `only`
  std::vector<const EmployeeHistory*> stored(employees.size(), nullptr);
  const auto find_stored = [&] {
    for (std::size_t i = 0; i < employees.size(); ++i) {
      // Outside `only` nobody is looked at, let alone digested: the plan decided nothing of them.
      if (only != nullptr && !only->count(employees[i].key)) {
        stored[i] = &outside_only;
        continue;
      }
      const auto found = history.find(employees[i].key);
      if (found != history.end()) stored[i] = &found->second;
    }
  };
  // A key read twice is written once, as first read (as the reconcile sees it). A whole
  // snapshot rarely holds one twice (overlapping bases) and its key index says whether it
  // does, so that the usual sync keeps no set of everyone's keys.
  KeyIndex index;
  if (two) {
    in_two(find_stored, [&] { index = KeyIndex(employees); });
  } else {
    if (only == nullptr) index = KeyIndex(employees);
    find_stored();
  }
  const bool distinct = index.usable();
  KeySet read;
  if (!distinct) read.reserve(only != nullptr ? only->size() : employees.size());
  const auto was_read = [&](const std::string& key) {
    return distinct ? index.find(employees, key).has_value() : read.count(key) > 0;
  };
  // Whether the i-th entry's row is to be written; with its digest into `staged` if so.
  std::vector<Staged> staged;
  const auto consider = [&](std::size_t i, EmployeeRowDigests& digests, std::vector<Staged>& into,
                            int& unchanged) {
    const Employee& e = employees[i];
    if (stored[i] == &outside_only) return;
    if ((!refused.empty() && refused.count(e.key)) || (!distinct && !read.insert(e.key).second)) {
      return;
    }
    const Employee* row = &e;
    if (!manager_refused.empty() && manager_refused.count(e.key) && stored[i] != nullptr) {
      row = &kept_manager.emplace_back(e);
      const auto manager = stored_managers.find(e.key);
      kept_manager.back().manager = manager == stored_managers.end() ? "" : manager->second;
    }
    const char* status = status_of(*row, leavers, on_leave);
    const std::uint64_t digest = digests(*row, status);
    if (stored[i] != nullptr && stored[i]->stored_digest == digest && !stored[i]->absent) {
      ++unchanged;
      return;
    }
    into.push_back({row, status, digest});
  };
  // Halves only when each entry is looked at alone: no set of keys read, no manager kept.
  if (two && distinct && manager_refused.empty()) {
    const std::size_t half = employees.size() / 2;
    std::vector<Staged> later;
    int later_unchanged = 0;
    in_two(
        [&] {
          EmployeeRowDigests digests;
          for (std::size_t i = 0; i < half; ++i) consider(i, digests, staged, stats.unchanged);
        },
        [&] {
          EmployeeRowDigests digests;
          for (std::size_t i = half; i < employees.size(); ++i) {
            consider(i, digests, later, later_unchanged);
          }
        });
    staged.insert(staged.end(), later.begin(), later.end());
    stats.unchanged += later_unchanged;
  } else {
    EmployeeRowDigests digests;
    for (std::size_t i = 0; i < employees.size(); ++i)
      consider(i, digests, staged, stats.unchanged);
  }
  std::vector<std::string> absent;
  for (const std::string& key : plan.leavers) {
    if (!was_read(key) && !refused.count(key)) absent.push_back(key);
  }
  stats.staged = static_cast<int>(staged.size());
  stats.keys.reserve(staged.size() + absent.size());
  for (const Staged& s : staged) stats.keys.push_back(s.employee->key);
  stats.keys.insert(stats.keys.end(), absent.begin(), absent.end());
  stats.absent = static_cast<int>(absent.size());
  if (staged.empty() && absent.empty()) return stats;  // nothing changed: not one statement
  create_stage(txn, "employee_stage",
               "key text, account text, dn text, given_name text, surname text, "
               "display_name text, mail text, department text, title text, ou text, "
               "groups text, disabled boolean, account_expires text, long_leave_marker text, "
               "status text, moved boolean, manager_dn text, preferred_language text, "
               "digest bigint");
  {
    pqxx::stream_to stream(txn, "employee_stage");
    for (const Staged& s : staged) {
      const Employee& e = *s.employee;
      // An empty text stands for "never expires" (NULL in the table).
      stream << std::make_tuple(
          e.key, e.account, e.dn, e.given_name, e.surname, e.display_name, e.mail,
          e.department.str(), e.title.str(), e.ou.str(),
          text_array_literal({e.groups.begin(), e.groups.end()}), e.disabled,
          e.account_expires ? pg_timestamp(*e.account_expires) : std::string(),
          e.long_leave_marker.str(), std::string(s.status), moved.count(e.key) > 0, e.manager.str(),
          e.preferred_language.str(), static_cast<long long>(s.digest));
    }
    stream.complete();
  }
  analyse_stage(txn, "employee_stage");
  stats.written = txn.exec_params1("SELECT sync_write_employees($1, $2::text[])", run_id,
                                   text_array_literal(absent))[0]
                      .as<int>();
  return stats;
}

}  // namespace valtuus
