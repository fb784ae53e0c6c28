#include "core/directory_changes.h"

#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/text_fold.h"

namespace valtuus {

namespace {

std::string_view kind_name(Watermark::Kind kind) {
  switch (kind) {
    case Watermark::Kind::usn:
      return "usn";
    case Watermark::Kind::timestamp:
      return "timestamp";
    case Watermark::Kind::none:
      break;
  }
  return "none";
}

void append_reason(std::string& reasons, std::string_view reason) {
  if (reason.empty()) return;
  if (!reasons.empty()) reasons += "; ";
  reasons += reason;
}

}  // namespace

std::string encode(const Watermark& w) {
  if (w.empty()) return "none";
  // The value never holds ':' (digits or a GeneralizedTime); the server, last, may.
  std::string out(kind_name(w.kind));
  out += ':';
  out += w.value;
  out += ':';
  out += w.server;
  return out;
}

std::optional<Watermark> decode_watermark(std::string_view text) {
  if (text == "none") return Watermark{};
  const auto first = text.find(':');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = text.find(':', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  Watermark w;
  const std::string_view kind = text.substr(0, first);
  if (kind == "usn") {
    w.kind = Watermark::Kind::usn;
  } else if (kind == "timestamp") {
    w.kind = Watermark::Kind::timestamp;
  } else {
    return std::nullopt;
  }
  w.value = text.substr(first + 1, second - first - 1);
  w.server = text.substr(second + 1);
  if (w.value.empty() || w.server.empty()) return std::nullopt;
  return w;
}

std::optional<std::string> implausible_count(std::size_t count, const ReadHints& hints) {
  if (count == 0 && hints.last_complete_count.value_or(0) > 0) {
    return "no employees found, but the last complete read found " +
           std::to_string(*hints.last_complete_count) +
           " (emptied base, lost read rights or wrong base?)";
  }
  return std::nullopt;
}

namespace {

// What both merges share: base's refusals that stand, the change set's, and completeness.
void merge_the_rest(const Snapshot& base, const DirectoryChanges& changes,
                    const std::unordered_set<std::string_view>& deleted, Snapshot& merged) {
  std::unordered_set<std::string_view> changed;
  for (const auto& e : changes.changed) changed.insert(e.key);
  // Base's refusals stand for the entries this read did not see again.
  std::unordered_set<std::string> seen_dns;
  for (const auto& e : changes.changed) seen_dns.insert(fold(e.dn));
  for (const auto& r : changes.refused) seen_dns.insert(fold(r.dn));
  std::unordered_set<std::string_view> seen_keys;
  for (const auto& r : changes.refused) {
    if (!r.key.empty()) seen_keys.insert(r.key);
  }
  for (const auto& r : base.refused) {
    const bool again =
        !r.key.empty() && (changed.count(r.key) || deleted.count(r.key) || seen_keys.count(r.key));
    if (!again && !seen_dns.count(fold(r.dn))) merged.refused.push_back(r);
  }
  merged.refused.insert(merged.refused.end(), changes.refused.begin(), changes.refused.end());

  std::string reasons;
  if (!base.complete) {
    append_reason(reasons, "base snapshot incomplete: " + base.incomplete_reason);
  }
  if (changes.watermark_reset) {
    append_reason(reasons, "watermark belongs to another server: a full read is needed");
  } else if (!changes.complete) {
    append_reason(reasons, "changes incomplete: " + changes.incomplete_reason);
  }
  merged.complete = reasons.empty();
  merged.incomplete_reason = reasons;
}

}  // namespace

Snapshot merge_changes(Snapshot&& base, const DirectoryChanges& changes) {
  // In place: base's employees are taken over, so a large directory is in memory once.
  Snapshot merged;
  merged.read_at = changes.read_at;
  merged.source = changes.source.empty() ? base.source : changes.source;
  merged.employees = std::move(base.employees);
  std::vector<Employee>& employees = merged.employees;

  const std::unordered_set<std::string_view> deleted(changes.deleted_keys.begin(),
                                                     changes.deleted_keys.end());
  std::unordered_map<std::string_view, const Employee*> changed;
  for (const auto& e : changes.changed) changed[e.key] = &e;

  if (!deleted.empty()) {
    std::erase_if(employees, [&](const Employee& e) { return deleted.contains(e.key); });
  }
  std::unordered_set<std::string_view> replaced;
  for (Employee& e : employees) {
    if (auto it = changed.find(e.key); it != changed.end()) {
      replaced.insert(it->first);  // views the change set, not the entry being replaced
      e = *it->second;
    }
  }
  for (const auto& e : changes.changed) {
    // A new employee; a key in both lists was re-created (reanimated) after the deletion.
    // Inserting also keeps a key listed twice (overlapping bases) from being added twice.
    if (replaced.insert(e.key).second) employees.push_back(*changed.at(e.key));
  }
  merge_the_rest(base, changes, deleted, merged);
  return merged;
}

Snapshot merge_changes(Snapshot&& base, const DirectoryChanges& changes, KeyIndex& index) {
  if (!index.usable()) {
    Snapshot merged = merge_changes(std::move(base), changes);
    index = KeyIndex(merged.employees);
    return merged;
  }
  Snapshot merged;
  merged.read_at = changes.read_at;
  merged.source = changes.source.empty() ? base.source : changes.source;
  merged.employees = std::move(base.employees);
  std::vector<Employee>& employees = merged.employees;
  const std::unordered_set<std::string_view> deleted(changes.deleted_keys.begin(),
                                                     changes.deleted_keys.end());
  for (const std::string& key : changes.deleted_keys) {
    const std::optional<std::size_t> at = index.find(employees, key);
    if (!at) continue;
    // The last employee takes the deleted one's place.
    index.remove(employees, *at);
    const std::size_t last = employees.size() - 1;
    if (*at != last) {
      employees[*at] = std::move(employees[last]);
      index.moved(employees, last, *at);
    }
    employees.pop_back();
  }
  // In the change set's order: a key listed twice ends as listed last, as in the whole merge.
  for (const Employee& e : changes.changed) {
    if (const std::optional<std::size_t> at = index.find(employees, e.key)) {
      employees[*at] = e;
    } else {
      employees.push_back(e);
      index.add(employees, employees.size() - 1);
    }
  }
  merge_the_rest(base, changes, deleted, merged);
  return merged;
}

Snapshot merge_changes(const Snapshot& base, const DirectoryChanges& changes) {
  return merge_changes(Snapshot(base), changes);
}

}  // namespace valtuus
