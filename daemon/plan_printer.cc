#include "daemon/plan_printer.h"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/text_fold.h"

namespace valtuus {

namespace {

constexpr const char* kOrganisation = "(the organisation)";
constexpr const char* kNoDepartment = "(no department)";

struct Line {
  std::string sort_key;  // who, then the theme: a stable order whatever the plan's
  std::string text;
};

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return text;
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Departments are grouped by folded name, so that "ELINKEINOASIAT " and "Elinkeinoasiat" are
// one group, as the policy matches them. Each group is titled with the spelling most of the
// plan's people use; on a tie the greatest in byte order, which prefers "Elinkeinoasiat" to
// "ELINKEINOASIAT", and keeps the output stable.
class DepartmentTitles {
 public:
  explicit DepartmentTitles(const RunRecord& record) {
    std::map<std::string, std::map<std::string, int>> spellings;
    for (const auto& [key, person] : record.people) {
      ++spellings[fold(person.department)][trimmed(person.department)];
    }
    for (const auto& [folded, counts] : spellings) {
      auto best = counts.begin();
      for (auto it = counts.begin(); it != counts.end(); ++it) {
        if (it->second >= best->second) best = it;
      }
      titles_[folded] = best->first;
    }
  }
  std::string title(const std::string& folded, const std::string& department) const {
    auto it = titles_.find(folded);
    return it == titles_.end() ? trimmed(department) : it->second;
  }

 private:
  std::map<std::string, std::string> titles_;
};

// Lines by department, in the folded names' order.
class Groups {
 public:
  explicit Groups(const DepartmentTitles& titles) : titles_(titles) {}
  void add(const std::string& department, Line line) {
    const std::string folded = fold(department);
    auto [it, added] = groups_.try_emplace(folded);
    if (added) it->second.first = titles_.title(folded, department);
    it->second.second.push_back(std::move(line));
  }
  bool empty() const { return groups_.empty(); }
  std::map<std::string, std::pair<std::string, std::vector<Line>>>& all() { return groups_; }

 private:
  const DepartmentTitles& titles_;
  std::map<std::string, std::pair<std::string, std::vector<Line>>> groups_;  // title, lines
};

const PersonLabel* find_person(const RunRecord& record, const std::string& key) {
  auto it = record.people.find(key);
  return it == record.people.end() ? nullptr : &it->second;
}

std::string department_of(const RunRecord& record, const std::string& key) {
  if (key.empty()) return kOrganisation;
  const PersonLabel* person = find_person(record, key);
  return person == nullptr || person->department.empty() ? kNoDepartment : person->department;
}

std::string who(const RunRecord& record, const std::string& key) {
  if (key.empty()) return "the organisation";
  const PersonLabel* person = find_person(record, key);
  if (person == nullptr) return key;
  if (person->name.empty()) return person->account;
  return person->name + " (" + person->account + ")";
}

void print_groups(std::ostream& out, const char* heading, Groups& groups) {
  if (groups.empty()) return;
  out << heading << '\n';
  for (auto& [key, group] : groups.all()) {
    auto& [title, lines] = group;
    std::sort(lines.begin(), lines.end(),
              [](const Line& a, const Line& b) { return a.sort_key < b.sort_key; });
    out << "  # " << title << '\n';
    for (const Line& line : lines) out << "    " << line.text << '\n';
  }
  out << '\n';
}

}  // namespace

std::string plan_summary(const RunRecord& record) {
  const PlanStats& s = record.plan.stats;
  std::string line =
      fmt::format("Plan: {} to grant, {} to apply for, {} to revoke, {} to renew, {} to supersede.",
                  s.grants, s.org_applies, s.revokes, s.renews, s.superseded);
  if (record.held) line += " (held: " + record.held_reason + ")";
  return line;
}

void print_plan(std::ostream& out, const RunRecord& record) {
  const Plan& plan = record.plan;
  if (plan.empty() && !record.held) {
    out << "No changes. The directory, the policy and the ledger agree.\n\n"
        << plan_summary(record) << '\n';
    return;
  }
  // The open items superseded, by what they are about: an added item with the same kind,
  // person and theme replaces one of them.
  std::map<std::tuple<ChangeKind, std::string, std::string>, long long> replaced;
  for (const OpenItem& item : record.superseded) {
    replaced[{item.kind, item.employee_key, item.mandate}] = item.id;
  }
  std::set<long long> replaced_ids;
  const DepartmentTitles titles(record);
  Groups revokes(titles), additions(titles), supersedes(titles);
  for (const ProposedItem& item : plan.add) {
    const std::string person = who(record, item.employee_key);
    std::string text = fmt::format("{} {} {} for {}", item.kind == ChangeKind::kRevoke ? "-" : "+",
                                   to_string(item.kind), item.mandate, person);
    auto old = replaced.find({item.kind, item.employee_key, item.mandate});
    if (old != replaced.end()) {
      text += fmt::format(" (replaces item {})", old->second);
      replaced_ids.insert(old->second);
    }
    if (item.waits_for_org_apply) text += " (after the organisation's application)";
    text += ": " + item.reason;
    Groups& groups = item.kind == ChangeKind::kRevoke ? revokes : additions;
    groups.add(department_of(record, item.employee_key),
               {person + "\n" + item.mandate, std::move(text)});
  }
  for (const OpenItem& item : record.superseded) {
    const std::string person = who(record, item.employee_key);
    const std::string why = replaced_ids.count(item.id)
                                ? "its source values changed; replaced above"
                                : "no longer wanted as it is";
    supersedes.add(department_of(record, item.employee_key),
                   {person + "\n" + item.mandate,
                    fmt::format("~ item {} ({} {} for {}, {}): {}", item.id, to_string(item.kind),
                                item.mandate, person, to_string(item.state), why)});
  }
  // Superseded ids the record could not describe (a plan without the store's view).
  std::set<long long> described;
  for (const OpenItem& item : record.superseded) described.insert(item.id);
  for (long long id : plan.supersede) {
    if (!described.count(id)) {
      supersedes.add(kNoDepartment, {fmt::format("{:020}", id),
                                     fmt::format("~ item {}: no longer wanted as it is", id)});
    }
  }
  print_groups(out, "Revocations:", revokes);
  print_groups(out, "Grants, applications and renewals:", additions);
  print_groups(out, "Superseded open items:", supersedes);
  if (record.held) {
    out << "The guard holds a run with this plan: its items wait until a person runs "
           "valtuusctl runs release RUN (or discards it).\n";
    if (record.supersedes_deferred > 0) {
      out << record.supersedes_deferred
          << " open item(s) it no longer wants stay open; the next run judges them again.\n";
    }
  }
  out << plan_summary(record) << '\n';
}

}  // namespace valtuus
