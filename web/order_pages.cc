#include "web/order_pages.h"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "common/log.h"
#include "core/calendar.h"
#include "core/identity_code.h"
#include "pages/page_renderer.h"
#include "web/page_viewer.h"
#include "web/person_access.h"

namespace http = boost::beast::http;
using kainjow::mustache::data;

namespace valtuus {

namespace {

constexpr std::size_t kMaxText = 2000;  // as theme_request's checks
constexpr int kMaxDaysAhead = 9131;     // 25 years, as the database counts them
constexpr int kSearchLimit = 30;

struct Page {
  const OrderRequest& request;

  std::string t(std::string_view key) const { return message(request.language, key); }

  // `text` with each {{name}} replaced (messages are plain text, not templates).
  static std::string fill(std::string text, const std::string& name, const std::string& value) {
    const std::string mark = "{{" + name + "}}";
    for (auto at = text.find(mark); at != std::string::npos; at = text.find(mark, at)) {
      text.replace(at, mark.size(), value);
      at += value.size();
    }
    return text;
  }

  HttpResponse render(http::status status, const std::string& title, std::string_view name,
                      data values, const std::string& notice = "",
                      const std::string& notice_kind = "info") const {
    PageFrame frame{request.language, page_viewer(request.session), title, notice, notice_kind};
    HttpResponse response{status, request.raw.version()};
    response.set(http::field::content_type, "text/html; charset=utf-8");
    response.set(http::field::cache_control, "no-store");
    response.body() = render_page(frame, name, std::move(values));
    return response;
  }

  HttpResponse message_page(http::status status, const std::string& text,
                            const std::string& link = "/order") const {
    data values;
    values.set("text", text);
    values.set("link", link);
    values.set("link_text", t("order_back"));
    return render(status, t("app_name"), "message", values);
  }

  HttpResponse redirect(const std::string& location) const {
    HttpResponse response{http::status::see_other, request.raw.version()};
    response.set(http::field::location, location);
    response.set(http::field::cache_control, "no-store");
    return response;
  }

  std::string field(const std::string& name) const {
    const auto found = request.form.find(name);
    return found == request.form.end() ? "" : found->second;
  }
  std::string query(const std::string& name) const {
    const auto found = request.query.find(name);
    return found == request.query.end() ? "" : found->second;
  }
};

// GOV.UK's error pattern: the summary lists each field's message, linking to the field.
class FormErrors {
 public:
  void add(const std::string& field, const std::string& text) {
    if (fields_.get(field) == nullptr) {
      fields_.set(field, text);
      data item;
      item.set("field", field);
      item.set("text", text);
      list_.push_back(item);
    }
  }
  bool empty() const { return list_.is_empty_list(); }
  void into(data& values) const {
    values.set("errors", list_);
    values.set("has_errors", !empty());
    values.set("error", fields_);
  }

 private:
  data list_{data::type::list};
  data fields_{data::type::object};
};

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::optional<std::chrono::sys_days> iso_date(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t at, std::size_t n, auto& out) {
    const auto [end, error] = std::from_chars(text.data() + at, text.data() + at + n, out);
    return error == std::errc{} && end == text.data() + at + n;
  };
  if (!number(0, 4, y) || !number(5, 2, m) || !number(8, 2, d)) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{m},
                                         std::chrono::day{d}};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days{date};
}

std::string theme_name(const CatalogTheme& theme, Language language) {
  const std::string& name = language == Language::kSv   ? theme.name_sv
                            : language == Language::kEn ? theme.name_en
                                                        : theme.name_fi;
  return name.empty() ? theme.name_fi : name;
}

std::string order_theme_name(const OrderRow& row, Language language) {
  const std::string& name = language == Language::kSv   ? row.mandate_name_sv
                            : language == Language::kEn ? row.mandate_name_en
                                                        : row.mandate_name_fi;
  return name.empty() ? row.mandate_name_fi : name;
}

// "Path 1: ... about 3 days." in the person's language.
std::string path_text(const Page& page, int path, const SlaTargets& sla) {
  return Page::fill(page.t(path == 1 ? "order_path1" : "order_path2"), "days",
                    std::to_string(path == 1 ? sla.path1_days : sla.path2_days));
}

std::string standing_text(const Page& page, ThemeStanding standing) {
  switch (standing) {
    case ThemeStanding::kHeld:
      return page.t("order_refused_held");
    case ThemeStanding::kComing:
      return page.t("order_refused_coming");
    case ThemeStanding::kOrdered:
      return page.t("order_refused_ordered");
    case ThemeStanding::kNone:
      break;
  }
  return "";
}

std::optional<long long> id_of(const std::string& text) {
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// The viewer and the person the page is about, and what the viewer may do for them.
struct Subject {
  std::optional<OrderPerson> viewer;
  std::optional<OrderPerson> person;
  PersonAccess access = PersonAccess::kNone;
};

Subject subject_of(WebStore& store, const WebSession& session, const std::string& account) {
  Subject s;
  store.with_orders([&](WebOrders& orders) {
    s.viewer = orders.person(session.account);
    s.person = account.empty() || account == session.account ? s.viewer : orders.person(account);
  });
  if (s.person) {
    s.access = person_access(
        {session.account, s.viewer ? s.viewer->dn : "", session.roles, session.employee_key},
        {s.person->account, s.person->manager_dn, s.person->status == "left", s.person->key});
  }
  return s;
}

}  // namespace

std::optional<HttpResponse> OrderPages::handle(const std::string& path,
                                               const OrderRequest& request) {
  const auto method = request.raw.method();
  const bool get = method == http::verb::get || method == http::verb::head;
  const bool post = method == http::verb::post;
  if (path == "/order" && (get || post)) return order_form(request, post);
  if (path == "/order/theme" && (get || post)) return theme_form(request, post);
  if (path == "/reports" && get) return reports(request);
  if (path == "/theme-requests" && get) return theme_requests(request, "", 200);
  if (path.starts_with("/theme-requests/") && path.ends_with("/close") && post) {
    const auto id = id_of(path.substr(16, path.size() - 16 - 6));
    if (id) return close_theme_request(request, *id);
  }
  return std::nullopt;
}

HttpResponse OrderPages::order_form(const OrderRequest& request, bool post) {
  const Page page{request};
  const std::string account = post ? page.field("for") : page.query("for");
  const Subject subject = subject_of(store_, request.session, account);
  if (!subject.person) {
    return page.message_page(
        http::status::not_found,
        account.empty() ? page.t("order_not_listed") : page.t("order_no_person"), "/me");
  }
  if (!may_order_for(subject.access)) {
    log_info(fmt::format("web: {} was refused the order form of {}", request.session.account,
                         subject.person->account));
    return page.message_page(http::status::forbidden, page.t("not_allowed"), "/me");
  }
  const OrderPerson& person = *subject.person;
  const bool for_other = subject.access == PersonAccess::kManager;
  const std::string search = post ? page.field("q") : page.query("q");
  std::string selected = post ? page.field("mandate") : page.query("mandate");
  const std::string why = page.field("why");
  const std::string until = trimmed(page.field("until"));
  const bool asks_code =
      options_.ask_identity_code && options_.identity_crypto && person.identity_code_masked.empty();

  FormErrors errors;
  std::optional<CatalogTheme> chosen;
  std::vector<CatalogTheme> themes;
  std::vector<ThemeStanding> standings;
  std::vector<OrderRow> orders;
  std::string notice;
  auto load = [&]() {
    store_.with_orders([&](WebOrders& db) {
      themes = db.search_catalog(trimmed(search), std::string(language_code(request.language)),
                                 kSearchLimit);
      if (!selected.empty()) {
        chosen = db.theme(selected);
        // The chosen theme stays on the page whatever the search shows now.
        if (chosen && std::none_of(themes.begin(), themes.end(),
                                   [&](const CatalogTheme& t) { return t.id == chosen->id; })) {
          themes.insert(themes.begin(), *chosen);
        }
      }
      standings.clear();
      for (const CatalogTheme& theme : themes)
        standings.push_back(db.standing(person.key, theme.id));
      orders = db.orders_of(person.key);
    });
  };
  load();

  if (post) {
    if (selected.empty() || !chosen) {
      errors.add("mandate", page.t("order_error_mandate"));
    } else {
      const auto at = std::find_if(themes.begin(), themes.end(),
                                   [&](const CatalogTheme& t) { return t.id == chosen->id; });
      const ThemeStanding standing = standings[static_cast<std::size_t>(at - themes.begin())];
      if (standing != ThemeStanding::kNone) {
        errors.add("mandate", standing_text(page, standing));
      } else if (options_.maps_give && options_.maps_give(person.account, chosen->id)) {
        errors.add("mandate", page.t("order_refused_maps"));
      }
    }
    if (trimmed(why).empty()) {
      errors.add("why", page.t("order_error_why"));
    } else if (why.size() > kMaxText) {
      errors.add("why", page.t("order_error_too_long"));
    }
    if (!until.empty()) {
      const auto day = iso_date(until);
      const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
      if (!day) {
        errors.add("until", page.t("order_error_until_format"));
      } else if (*day < today) {
        errors.add("until", page.t("order_error_until_past"));
      } else if (*day > today + std::chrono::days{kMaxDaysAhead}) {
        errors.add("until", page.t("order_error_until_far"));
      }
    }
    std::string code;
    if (asks_code) {
      code = trimmed(page.field("identity_code"));
      if (code.empty()) {
        errors.add("identity_code", page.t("order_error_code_missing"));
      } else if (!check_identity_code(code).valid) {
        errors.add("identity_code", page.t("order_error_code_invalid"));
      }
    }
    if (errors.empty()) {
      try {
        long long id = 0;
        store_.with_orders([&](WebOrders& db) {
          if (asks_code) {
            const SealedIdentityCode sealed = options_.identity_crypto->seal(person.key, code);
            db.store_identity_code(request.session.account, person.account, sealed.ciphertext,
                                   sealed.nonce, options_.identity_crypto->match_hash(code),
                                   mask_identity_code(code));
          }
          id = db.create_request(request.session.account, person.account, chosen->id, trimmed(why),
                                 until.empty() ? std::nullopt : std::optional<std::string>(until));
        });
        log_info(fmt::format("web: order {} of {} for {} by {}", id, chosen->id, person.account,
                             request.session.account));
        std::string location = "/order?sent=" + std::to_string(id);
        if (for_other) location += "&for=" + url_encode(person.account);
        return page.redirect(location);
      } catch (const WebRefusal& refusal) {
        log_info(fmt::format("web: order of {} for {} by {} refused: {}", chosen->id,
                             person.account, request.session.account, refusal.what()));
        if (refusal.kind() == WebRefusal::Kind::kNotAllowed)
          return page.message_page(http::status::forbidden, page.t("not_allowed"), "/me");
        errors.add("mandate", page.t("order_refused") + " " + refusal.what());
        load();
      }
    }
  }

  if (const auto sent = id_of(page.query("sent")); sent && !post) {
    for (const OrderRow& row : orders) {
      if (row.id != *sent) continue;
      int path = 1;  // the theme's path now, as the page said before sending
      store_.with_orders([&](WebOrders& db) {
        if (const auto theme = db.theme(row.mandate)) path = theme->path;
      });
      notice = Page::fill(page.t("order_sent"), "id", std::to_string(row.id)) + " " +
               path_text(page, path, options_.sla);
    }
  }

  data values;
  values.set("for", for_other ? person.account : "");
  values.set("for_other", for_other);
  values.set("person", person.display_name + " (" + person.account + ")");
  values.set("q", search);
  values.set("why", why);
  values.set("until", until);
  values.set("asks_code", asks_code);
  values.set("has_code", !person.identity_code_masked.empty());
  values.set("code_masked", person.identity_code_masked);
  data list{data::type::list};
  bool first = true;
  for (std::size_t i = 0; i < themes.size(); ++i) {
    const CatalogTheme& theme = themes[i];
    data item;
    item.set("id", theme.id);
    item.set("input_id", first ? std::string("mandate") : "mandate-" + std::to_string(i));
    first = false;
    item.set("name", theme_name(theme, request.language));
    item.set("service", theme.service);
    item.set("path", path_text(page, theme.path, options_.sla));
    item.set("path_number", std::to_string(theme.path));
    // Only when there is one: mustache renders a section over any string, even an empty one.
    if (const std::string refused = standing_text(page, standings[i]); !refused.empty())
      item.set("refused", refused);
    item.set("checked", theme.id == selected);
    list.push_back(item);
  }
  values.set("themes", list);
  values.set("has_themes", !themes.empty());
  values.set(
      "until_max",
      format_iso_date(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) +
                      std::chrono::days{kMaxDaysAhead}));
  data order_list{data::type::list};
  for (const OrderRow& row : orders) {
    data item;
    item.set("id", std::to_string(row.id));
    item.set("theme", order_theme_name(row, request.language));
    item.set("state", page.t("order_state_" + row.state));
    item.set("requested_at", row.requested_at);
    item.set("requested_by", row.requested_by);
    item.set("valid_until", row.valid_until);
    order_list.push_back(item);
  }
  values.set("orders", order_list);
  values.set("has_orders", !orders.empty());
  errors.into(values);
  const std::string title = for_other
                                ? Page::fill(page.t("order_title_for"), "name", person.display_name)
                                : page.t("order_title");
  return page.render(errors.empty() ? http::status::ok : http::status::unprocessable_entity,
                     errors.empty() ? title : page.t("error_prefix") + " " + title, "order", values,
                     notice, "success");
}

HttpResponse OrderPages::theme_form(const OrderRequest& request, bool post) {
  const Page page{request};
  const std::string account = post ? page.field("for") : page.query("for");
  const Subject subject = subject_of(store_, request.session, account);
  if (!subject.person)
    return page.message_page(http::status::not_found, page.t("order_not_listed"), "/me");
  if (!may_order_for(subject.access))
    return page.message_page(http::status::forbidden, page.t("not_allowed"), "/me");
  const OrderPerson& person = *subject.person;
  const bool for_other = subject.access == PersonAccess::kManager;
  const std::string description = page.field("description");
  const std::string why = page.field("why");
  FormErrors errors;
  std::string notice;
  if (post) {
    if (trimmed(description).empty()) {
      errors.add("description", page.t("theme_error_description"));
    } else if (description.size() > kMaxText) {
      errors.add("description", page.t("order_error_too_long"));
    }
    if (trimmed(why).empty()) {
      errors.add("why", page.t("order_error_why"));
    } else if (why.size() > kMaxText) {
      errors.add("why", page.t("order_error_too_long"));
    }
    if (errors.empty()) {
      try {
        long long id = 0;
        store_.with_orders([&](WebOrders& db) {
          id = db.request_theme(request.session.account, person.account, trimmed(description),
                                trimmed(why));
        });
        log_info(fmt::format("web: theme request {} for {} by {}", id, person.account,
                             request.session.account));
        std::string location = "/order/theme?sent=" + std::to_string(id);
        if (for_other) location += "&for=" + url_encode(person.account);
        return page.redirect(location);
      } catch (const WebRefusal& refusal) {
        if (refusal.kind() == WebRefusal::Kind::kNotAllowed)
          return page.message_page(http::status::forbidden, page.t("not_allowed"), "/me");
        errors.add("description", page.t("order_refused") + " " + refusal.what());
      }
    }
  } else if (const auto sent = id_of(page.query("sent"))) {
    notice = Page::fill(page.t("theme_sent"), "id", std::to_string(*sent));
  }
  data values;
  values.set("for", for_other ? person.account : "");
  values.set("for_other", for_other);
  values.set("person", person.display_name + " (" + person.account + ")");
  values.set("description", description);
  values.set("why", why);
  errors.into(values);
  const std::string title = page.t("theme_title");
  return page.render(errors.empty() ? http::status::ok : http::status::unprocessable_entity,
                     errors.empty() ? title : page.t("error_prefix") + " " + title, "order_theme",
                     values, notice, "success");
}

HttpResponse OrderPages::reports(const OrderRequest& request) {
  const Page page{request};
  std::vector<OrderPerson> reports;
  store_.with_orders([&](WebOrders& db) {
    if (const auto me = db.person(request.session.account)) reports = db.direct_reports(*me);
  });
  data list{data::type::list};
  for (const OrderPerson& person : reports) {
    data item;
    item.set("name", person.display_name);
    item.set("account", person.account);
    item.set("account_url", url_encode(person.account));
    item.set("department", person.department);
    item.set("title", person.title);
    list.push_back(item);
  }
  data values;
  values.set("reports", list);
  values.set("has_reports", !reports.empty());
  return page.render(http::status::ok, page.t("reports_title"), "order_reports", values);
}

HttpResponse OrderPages::theme_requests(const OrderRequest& request, const std::string& notice,
                                        unsigned status) {
  const Page page{request};
  if (!request.session.has_role("reviewer") && !request.session.has_role("admin"))
    return page.message_page(http::status::forbidden, page.t("not_allowed"), "/me");
  std::vector<ThemeRequestRow> rows;
  store_.with_orders([&](WebOrders& db) { rows = db.open_theme_requests(); });
  data list{data::type::list};
  for (const ThemeRequestRow& row : rows) {
    data item;
    item.set("id", std::to_string(row.id));
    item.set("person", row.display_name + " (" + row.account + ")");
    item.set("department", row.department);
    item.set("description", row.description);
    item.set("why", row.why);
    item.set("requested_by", row.requested_by);
    item.set("requested_at", row.requested_at);
    list.push_back(item);
  }
  data values;
  values.set("requests", list);
  values.set("has_requests", !rows.empty());
  HttpResponse response =
      page.render(http::status::ok, page.t("theme_requests_title"), "theme_requests", values,
                  notice, status == 200 ? "success" : "error");
  response.result(status);
  return response;
}

HttpResponse OrderPages::close_theme_request(const OrderRequest& request, long long id) {
  const Page page{request};
  try {
    store_.with_orders([&](WebOrders& db) {
      db.close_theme_request(request.session.account, id, page.field("note"));
    });
    log_info(fmt::format("web: theme request {} closed by {}", id, request.session.account));
    return theme_requests(request, page.t("theme_request_closed"), 200);
  } catch (const WebRefusal& refusal) {
    log_info(fmt::format("web: closing theme request {} by {} refused: {}", id,
                         request.session.account, refusal.what()));
    switch (refusal.kind()) {
      case WebRefusal::Kind::kNotAllowed:
        return page.message_page(http::status::forbidden, page.t("not_allowed"), "/me");
      case WebRefusal::Kind::kNotFound:
        return page.message_page(http::status::not_found, page.t("not_found"), "/theme-requests");
      case WebRefusal::Kind::kStale:
        return theme_requests(request, page.t("theme_request_closed_already"), 409);
      case WebRefusal::Kind::kInvalid:
        return theme_requests(request, page.t("theme_request_note_needed"), 422);
    }
  }
  return page.message_page(http::status::not_found, page.t("not_found"));
}

}  // namespace valtuus
