// The rows of the security pages (leavers, SLA, expiring, grant-right coverage) as tables of named
// fields, from the store's report rows: the same fields as valtuusctl report --format csv, so a
// page, its CSV download and the CLI agree. Pure.
#pragma once

#include <string>
#include <vector>

#include "connectors/postgres/report_queries.h"
#include "core/oversight.h"
#include "web/csv_document.h"

namespace valtuus {

struct ReportTable {
  std::vector<std::string> fields;  // CSV header; the page's column titles are "col_" + field
  std::vector<std::vector<CsvCell>> rows;
};

ReportTable leavers_table(const std::vector<LeaverRow>& rows);
ReportTable sla_items_table(const SlaReport& report);
ReportTable sla_paths_table(const SlaReport& report);  // per path: open, overdue, median, p90
ReportTable expiring_table(const std::vector<ExpiringRow>& rows);
// valtuusctl report capability --format csv: holders as "account (status)" and flags, each
// joined by ", ".
ReportTable capability_table(const std::vector<CapabilityRow>& rows);

}  // namespace valtuus
