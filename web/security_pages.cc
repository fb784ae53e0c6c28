#include "web/security_pages.h"

#include <fmt/core.h>

namespace valtuus {

namespace {

CsvCell text(const std::string& value) {
  return {value, false};
}
CsvCell number(long long value) {
  return {std::to_string(value), true};
}
template <typename Number>
CsvCell optional_number(const std::optional<Number>& value) {
  return value ? number(static_cast<long long>(*value)) : CsvCell{};
}
CsvCell days(const std::optional<double>& value) {
  return value ? CsvCell{fmt::format("{:.1f}", *value), true} : CsvCell{};
}

}  // namespace

ReportTable leavers_table(const std::vector<LeaverRow>& rows) {
  ReportTable table{
      {"account", "name", "department", "why", "left_at", "days_open", "mandate", "mandate_name_fi",
       "valid_until", "revoke_item", "revoke_state", "revoke_age_days"},
      {}};
  for (const LeaverRow& r : rows) {
    table.rows.push_back(
        {text(r.account), text(r.name), text(r.department), text(r.why), text(r.left_at),
         number(r.days_open), text(r.mandate), text(r.mandate_name_fi), text(r.valid_until),
         optional_number(r.revoke_item), text(r.revoke_state), optional_number(r.revoke_age_days)});
  }
  return table;
}

ReportTable sla_items_table(const SlaReport& report) {
  ReportTable table{{"id", "kind", "state", "path", "account", "department", "mandate", "age_days",
                     "target_days", "overdue"},
                    {}};
  for (const SlaItemRow& r : report.items) {
    table.rows.push_back({number(r.id), text(r.kind), text(r.state), number(r.path),
                          text(r.account), text(r.department), text(r.mandate), number(r.age_days),
                          number(r.target_days), text(r.overdue ? "true" : "false")});
  }
  return table;
}

ReportTable sla_paths_table(const SlaReport& report) {
  ReportTable table{{"path", "target_days", "open", "overdue", "held", "done_in_period",
                     "median_days", "p90_days"},
                    {}};
  for (const SlaPathStats& p : report.paths) {
    table.rows.push_back({number(p.path), number(p.target_days), number(p.open), number(p.overdue),
                          number(p.held), number(p.done_in_period), days(p.median_days),
                          days(p.p90_days)});
  }
  return table;
}

ReportTable expiring_table(const std::vector<ExpiringRow>& rows) {
  ReportTable table{{"account", "name", "department", "status", "mandate", "mandate_name_fi",
                     "valid_until", "days_left", "renew_item", "renew_state"},
                    {}};
  for (const ExpiringRow& r : rows) {
    table.rows.push_back({text(r.account), text(r.name), text(r.department), text(r.status),
                          text(r.mandate), text(r.mandate_name_fi), text(r.valid_until),
                          number(r.days_left), optional_number(r.renew_item), text(r.renew_state)});
  }
  return table;
}

ReportTable capability_table(const std::vector<CapabilityRow>& rows) {
  ReportTable table{
      {"mandate", "mandate_name_fi", "service", "can_grant", "right_until", "holders", "flags"},
      {}};
  for (const CapabilityRow& r : rows) {
    std::string holders, flags;
    for (const CapabilityHolder& h : r.holders)
      holders += (holders.empty() ? "" : ", ") + h.account + " (" + h.status + ")";
    for (const std::string& flag : r.flags) flags += (flags.empty() ? "" : ", ") + flag;
    table.rows.push_back({text(r.mandate), text(r.mandate_name_fi), text(r.service),
                          text(r.can_grant ? "true" : "false"), text(r.right_until), text(holders),
                          text(flags)});
  }
  return table;
}

}  // namespace valtuus
