// One leaver on one page: the mandates the ledger still shows in force, each with its revoke
// item, state and age, so that the person executing can invalidate them all at once with
// Suomi.fi's selection basket. Reached from the leavers report by the account, never by an
// identity code. The rows are the leavers report's (the same query as valtuusctl report
// leavers), so the page and the report agree.
#include <fmt/core.h>

#include "core/text_fold.h"
#include "web/console_request.h"

namespace http = boost::beast::http;
using kainjow::mustache::data;

namespace valtuus {

HttpResponse Console::leaver_page(Request& request, const std::string& encoded_account) {
  if (!request.session->is_staff()) return request.staff_only();
  const auto account = url_decode(encoded_account);
  if (!account || account->empty() || account->find('/') != std::string::npos)
    return request.message_page(http::status::not_found, request.t("leaver_not_found"));
  std::vector<LeaverRow> rows;
  for (LeaverRow& row : store_.leavers({}, options_.leavers_ous)) {
    if (folded_equal(row.account, *account)) rows.push_back(std::move(row));
  }
  if (rows.empty())
    return request.message_page(http::status::not_found, request.t("leaver_not_found"));
  const LeaverRow& first = rows.front();
  data values;
  values.set("name", first.name);
  values.set("account", first.account);
  values.set("department", first.department);
  values.set("why", request.t("why_" + first.why));
  values.set("left_at", first.left_at);
  values.set("days_open", std::to_string(first.days_open));
  data mandates{data::type::list};
  // The proposed revokes, each bound to the version shown, for one bulk approval (its
  // confirmation and the database check the rest, as for the queue's selection).
  data proposed{data::type::list};
  int proposed_count = 0;
  for (const LeaverRow& row : rows) {
    data entry;
    entry.set("theme", row.mandate_name_fi + " (" + row.mandate + ")");
    entry.set("valid_until", row.valid_until);
    if (row.revoke_item) {
      entry.set("revoke_item", std::to_string(*row.revoke_item));
      entry.set("revoke_state", request.t("state_" + row.revoke_state));
      entry.set("revoke_age_days",
                row.revoke_age_days ? std::to_string(*row.revoke_age_days) : std::string());
      if (row.revoke_state == "proposed") {
        if (const auto item = store_.item(*row.revoke_item)) {
          data pair;
          pair.set("id", std::to_string(item->row.id));
          pair.set("version", std::to_string(item->row.version));
          proposed.push_back(pair);
          ++proposed_count;
        }
      }
    } else {
      entry.set("revoke_item", false);
    }
    mandates.push_back(entry);
  }
  values.set("mandates", mandates);
  const bool decides = request.session->has_role("reviewer") || request.session->has_role("admin");
  values.set("can_approve_all", decides && proposed_count > 0);
  values.set("proposed", proposed);
  values.set("comment", request.t("leaver_bulk_comment") + " " + first.account);
  return request.page(http::status::ok, request.t("leaver_title") + ": " + first.name, "leaver",
                      values);
}

}  // namespace valtuus
