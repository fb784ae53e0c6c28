// The grant-right coverage (valtuusctl report capability): for each theme of the catalog,
// whether the organisation can grant it now (path 1) or needs DVV's right to grant first
// (path 2), who holds that right, and what needs attention (the last holder left, the right
// ends). The catalog's holders live in the authorisation maps (policy.dir), read afresh for
// each request as valtuusctl does, so the page never shows a stale catalog; the people and the
// rights obtained through path 2 come from the database.
#include <fmt/core.h>

#include "common/log.h"
#include "core/calendar.h"
#include "core/errors.h"
#include "policies/policy_loader.h"
#include "web/console_request.h"
#include "web/security_pages.h"

namespace http = boost::beast::http;
using kainjow::mustache::data;

namespace valtuus {

HttpResponse Console::coverage(Request& request) {
  const WebSession& session = *request.session;
  if (!session.has_role("security") && !session.has_role("admin"))
    return request.message_page(http::status::forbidden, request.t("not_allowed"), "/me");
  if (options_.policy_dir.empty())
    return request.message_page(http::status::service_unavailable,
                                request.t("coverage_unavailable"));
  PolicyLoadResult loaded;
  try {
    loaded = load_policy_dir(options_.policy_dir);
  } catch (const ConfigError& e) {
    log_warning(std::string("web: coverage: ") + e.what());
  }
  if (!loaded.policy) {
    for (const PolicyDiagnostic& error : loaded.errors)
      log_warning("web: coverage: " + format(error));
    return request.message_page(http::status::service_unavailable, request.t("coverage_refused"));
  }
  auto& q = request.query;
  ReportFilter filter;
  if (!q["theme"].empty()) filter.theme = q["theme"];
  const TimePoint now = std::chrono::floor<std::chrono::seconds>(Clock::now());
  const auto rows = capability_report(store_.oversight_view(now), *loaded.policy, filter);
  if (q["format"] == "csv") {
    const ReportTable table = capability_table(rows);
    HttpResponse response{http::status::ok, request.raw.version()};
    response.set(http::field::content_type, "text/csv; charset=utf-8");
    response.set(http::field::content_disposition, "attachment; filename=\"valtuus-coverage.csv\"");
    response.set(http::field::cache_control, "no-store");
    response.body() = csv_document(table.fields, table.rows);
    return response;
  }
  data themes{data::type::list};
  for (const CapabilityRow& row : rows) {
    data theme;
    theme.set("mandate", row.mandate);
    theme.set("name", row.mandate_name_fi);
    theme.set("service", row.service);
    theme.set("can_grant", request.t(row.can_grant ? "yes" : "no"));
    theme.set("right_until", row.right_until);
    data holders{data::type::list};
    for (const CapabilityHolder& h : row.holders) {
      const std::string who = h.name.empty() ? h.account : h.name + " (" + h.account + ")";
      holders.push_back(who + ": " + request.t("holder_status_" + h.status));
    }
    theme.set("holders", holders);
    data flags{data::type::list};
    for (const std::string& flag : row.flags) flags.push_back(request.t("flag_" + flag));
    theme.set("flags", flags);
    // A theme that can be granted but needs attention (not path 2, which is by design).
    theme.set("attention", !row.flags.empty() && row.flags.front() != "path2");
    themes.push_back(theme);
  }
  data values;
  values.set("themes", themes);
  values.set("has_themes", !rows.empty());
  values.set("theme", q["theme"]);
  values.set("csv_link", "/security/coverage?format=csv" +
                             (q["theme"].empty() ? "" : "&theme=" + url_encode(q["theme"])));
  return request.page(http::status::ok, request.t("report_coverage"), "coverage", values);
}

}  // namespace valtuus
