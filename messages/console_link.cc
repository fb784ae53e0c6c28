#include "messages/console_link.h"

namespace valtuus {

namespace {

std::string number(const nlohmann::json& payload, const char* name) {
  const auto found = payload.find(name);
  if (found == payload.end()) return "";
  if (found->is_number_integer()) return std::to_string(found->get<long long>());
  if (found->is_string()) {
    const std::string text = found->get<std::string>();
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) return text;
  }
  return "";
}

std::string page_of(const OutboxRow& row) {
  const nlohmann::json& p = row.payload;
  if (row.event == "run_held") {
    const std::string run = number(p, "run_id");
    return run.empty() ? "/runs" : "/runs/" + run;
  }
  if (row.event == "run_items") return "/";
  if (row.event == "items_overdue") {
    const std::string days = number(p, "path1_days");
    return days.empty() ? "/" : "/?older=" + days;
  }
  if (row.event == "leavers_digest") return "/security/leavers";
  // An item's message: the reviewers' card, the person's own page, the manager's reports.
  if (row.audience == "manager") return "/reports";
  if (row.audience == "employee") return "/me";
  const std::string item = number(p, "item_id");
  return item.empty() ? "/" : "/items/" + item;
}

}  // namespace

std::string console_link(const OutboxRow& row, const std::string& console_url) {
  if (console_url.empty()) {
    const auto command = row.payload.find("command");
    if (command != row.payload.end() && command->is_string()) return command->get<std::string>();
    return page_of(row);
  }
  return console_url + page_of(row);
}

std::string console_url_problem(const std::string& url) {
  if (url.empty()) return "";
  if (!url.starts_with("https://") && !url.starts_with("http://"))
    return "is not an http:// or https:// address";
  const std::string rest = url.substr(url.find("//") + 2);
  if (rest.empty() || rest.front() == '/') return "names no host";
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) return "holds white space or a control character";
  }
  if (url.find_first_of("?#") != std::string::npos) return "has a query or fragment";
  if (rest.substr(0, rest.find('/')).find('@') != std::string::npos)
    return "holds user information";
  if (url.back() == '/') return "ends in '/': give the address without it";
  return "";
}

}  // namespace valtuus
