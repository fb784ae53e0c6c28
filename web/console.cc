#include "web/console.h"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <functional>

#include "common/log.h"
#include "core/errors.h"
#include "pages/map_pages.h"
#include "pages/page_renderer.h"
#include "web/console_request.h"
#include "web/execution_steps_text.h"
#include "web/http_forms.h"
#include "web/item_audit_view.h"
#include "web/item_facts.h"
#include "web/person_access.h"
#include "web/random_token.h"
#include "web/reason_text.h"
#include "web/security_pages.h"
#include "web/staff_pages.h"
#include "web/web_app.h"

namespace http = boost::beast::http;
using kainjow::mustache::data;

namespace valtuus {

using namespace console_detail;

namespace {

std::string cookie(const std::string& name, const std::string& value, const std::string& extra) {
  return name + "=" + value + "; Path=/; HttpOnly; Secure; SameSite=Strict" + extra;
}

}  // namespace

Console::Console(const ConsoleOptions& options, Authenticator& authenticator, WebStore& store)
    : options_(options),
      authenticator_(authenticator),
      store_(store),
      sessions_(options.sessions),
      limiter_(options.login_max_failures, options.login_failure_window),
      identity_(options.identity_crypto),
      policies_(options.policy_dir),
      orders_(with_maps_rule(options.orders), store) {}

HttpResponse Console::handle(const HttpRequest& http, const RequestInfo& info) {
  HttpResponse response;
  if (auto public_response = handle_public_request(http)) {
    response = std::move(*public_response);
  } else {
    Request request(http, info, sessions_);
    try {
      response = route(request);
    } catch (const TransientError& e) {
      log_warning(std::string("web: ") + e.what());
      response = request.message_page(http::status::service_unavailable,
                                      request.t("directory_unavailable"));
    }
  }
  set_security_headers(response);
  return response;
}

HttpResponse Console::route(Request& request) {
  const std::string path(target_path(to_std(request.raw.target())));
  const auto method = request.raw.method();
  const bool get = method == http::verb::get || method == http::verb::head;
  const bool post = method == http::verb::post;
  if (path == "/language" && get) return language(request);
  if (path == "/login" && get) return login_page(request, "");
  if (path == "/login" && post) return login(request);
  if (!request.session && !options_.trusted_header.empty()) {
    const std::string named(to_std(request.raw[options_.trusted_header]));
    if (!named.empty() && request.info.peer_address == options_.trusted_proxy) {
      return proxy_login(request, named);
    }
    if (!named.empty()) {
      log_warning(fmt::format("web: ignored {} from {}, which is not the trusted proxy",
                              options_.trusted_header, request.info.peer_address));
    }
  }
  if (!request.session) {
    if (get) return request.redirect("/login");
    return request.message_page(http::status::forbidden, request.t("forbidden"), "/login");
  }
  // Every state change below carries the session's CSRF token.
  if (post && !request.csrf_ok()) {
    log_warning("web: a POST to " + path + " without a valid CSRF token was refused");
    return request.message_page(http::status::forbidden, request.t("forbidden"));
  }
  if (path == "/logout" && post) return logout(request);
  if (path == "/me" && get) return me(request);
  if ((path == "/me/map" || path == "/me/mandates") && get)
    return person_page(request, request.session->employee_ref, path.substr(4));
  if (path.starts_with("/people/") && get && path.find('/', 8) != std::string::npos)
    return person_page(request, path.substr(8, path.find('/', 8) - 8),
                       path.substr(path.find('/', 8) + 1));
  if ((path == "/maps" || path == "/maps/") && get) return request.redirect("/maps/index.html");
  if (path.starts_with("/maps/") && get) return maps_page(request, path.substr(6));
  if (path == "/" && get) return queue(request);
  if (path.starts_with("/items/")) {
    const std::string rest = path.substr(7);
    const auto slash = rest.find('/');
    const auto id = number<long long>(rest.substr(0, slash));
    if (id && slash == std::string::npos && get) {
      return item_page(request, *id, "", "info", 200);
    }
    if (id && post && rest.substr(slash + 1) == "reveal") return reveal(request, *id);
    if (id && slash != std::string::npos && post)
      return decide(request, *id, rest.substr(slash + 1));
  }
  if (path == "/bulk/approve" && post) return bulk_approve(request);
  if (auto page = orders_.handle(
          path, {request.raw, *request.session, request.form, request.query, request.language}))
    return std::move(*page);
  if (path == "/runs" && get) return runs(request);
  if (path.starts_with("/security/leavers/") && get) return leaver_page(request, path.substr(18));
  if (path == "/security/coverage" && get) return coverage(request);
  if (path.starts_with("/security/") && get) return security_report(request, path.substr(10));
  if (path.starts_with("/runs/")) {
    const std::string rest = path.substr(6);
    const auto slash = rest.find('/');
    const auto id = number<long long>(rest.substr(0, slash));
    if (id && slash == std::string::npos && get) return run_page(request, *id, "", "info", 200);
    if (id && slash != std::string::npos && post)
      return resolve_run(request, *id, rest.substr(slash + 1));
  }
  return request.message_page(http::status::not_found, request.t("not_found"));
}

HttpResponse Console::login_page(Request& request, const std::string& error) {
  // The login form's own CSRF token (double submit): a cookie only this site can set, and the
  // same value in the form, so another site cannot log a browser in under its account.
  // The token already in the browser is kept: another page loaded meanwhile (the favicon,
  // a second tab) must not invalidate the form on screen.
  std::string token =
      cookie_value(to_std(request.raw[http::field::cookie]), kLoginCsrfCookie).value_or("");
  if (token.size() != random_token().size()) token = random_token();
  data values;
  values.set("csrf", token);
  values.set("account", request.field("account"));
  HttpResponse response =
      request.page(error.empty() ? http::status::ok : http::status::unauthorized,
                   request.t("login_title"), "login", values, error, "error");
  response.set(http::field::set_cookie, cookie(kLoginCsrfCookie, token, ""));
  return response;
}

HttpResponse Console::login(Request& request) {
  const auto expected = cookie_value(to_std(request.raw[http::field::cookie]), kLoginCsrfCookie);
  if (!expected || !tokens_equal(request.field("csrf"), *expected)) {
    return request.message_page(http::status::forbidden, request.t("forbidden"), "/login");
  }
  const std::string account = request.field("account");
  const std::string password = request.field("password");
  const std::string& peer = request.info.peer_address;
  if (!limiter_.allowed(account, peer)) {
    log_warning(fmt::format("web: login of {} from {} refused: too many failures", account, peer));
    return login_page(request, request.t("login_limited"));
  }
  std::optional<DirectoryPerson> person;
  if (!account.empty() && !password.empty())
    person = authenticator_.authenticate(account, password);
  if (!person) {
    limiter_.record_failure(account, peer);
    log_info(fmt::format("web: failed login of {} from {}", account, peer));
    return login_page(request, request.t("login_failed"));
  }
  limiter_.record_success(account);
  HttpResponse response = start_session(request, *person, "/");
  response.insert(http::field::set_cookie, cookie(kLoginCsrfCookie, "", "; Max-Age=0"));
  return response;
}

HttpResponse Console::proxy_login(Request& request, const std::string& account) {
  const auto person = authenticator_.lookup(account);
  if (!person) {
    log_warning(fmt::format("web: the proxy named {}, whom the directory does not know", account));
    return request.message_page(http::status::forbidden, request.t("not_allowed"), "/login");
  }
  // After the session exists the request is made again, now with its cookie; a form sent
  // without a session would lack the session's CSRF token anyway.
  const bool get = request.raw.method() == http::verb::get;
  return start_session(request, *person, get ? std::string(to_std(request.raw.target())) : "/");
}

HttpResponse Console::start_session(Request& request, const DirectoryPerson& person,
                                    const std::string& location) {
  const auto roles = roles_from_groups(person.groups, options_.role_groups);
  const RecordedLogin stored =
      store_.record_login({person.account, person.display_name, roles, options_.sessions.absolute});
  // Only the console's groups and the employees of the last directory read have pages here.
  if (stored.roles.empty()) {
    log_info(fmt::format("web: {} has no role in the console and is not an active employee",
                         stored.account));
    return request.message_page(http::status::forbidden, request.t("login_no_role"), "/login");
  }
  std::string language = person.language;
  if (auto code = cookie_value(to_std(request.raw[http::field::cookie]), kLanguageCookie)) {
    language = *code;
  }
  if (!language_from_code(language)) language = "fi";
  if (request.session) sessions_.erase(request.session->token);
  const WebSession session = sessions_.create(stored.account, person.display_name, stored.roles,
                                              language, stored.employee_key, stored.employee_ref);
  log_info(fmt::format("web: {} logged in from {}", stored.account, request.info.peer_address));
  // The queue is the staff's first page; an employee's is their own.
  HttpResponse response =
      request.redirect(location == "/" && !session.is_staff() ? "/me" : location);
  response.insert(http::field::set_cookie, cookie(kSessionCookie, session.token, ""));
  return response;
}

HttpResponse Console::logout(Request& request) {
  sessions_.erase(request.session->token);
  HttpResponse response = request.redirect("/login");
  response.set(http::field::set_cookie, cookie(kSessionCookie, "", "; Max-Age=0"));
  return response;
}

// A link, not a form: it changes nothing but the language of the pages.
HttpResponse Console::language(Request& request) {
  const auto code = language_from_code(request.query["lang"]);
  if (!code) return request.redirect("/");
  if (request.session)
    sessions_.set_language(request.session->token, std::string(language_code(*code)));
  HttpResponse response = request.redirect(!request.session              ? "/login"
                                           : request.session->is_staff() ? "/"
                                                                         : "/me");
  response.set(http::field::set_cookie,
               cookie(kLanguageCookie, std::string(language_code(*code)), "; Max-Age=31536000"));
  return response;
}

HttpResponse Console::me(Request& request) {
  data values;
  values.set("account", request.session->account);
  data roles{data::type::list};
  for (const auto& role : request.session->roles) roles.push_back(request.t("role_" + role));
  values.set("roles", roles);
  values.set("employee", !request.session->employee_ref.empty());
  return request.page(http::status::ok, request.t("me_title"), "me", values);
}

HttpResponse Console::queue(Request& request) {
  const WebSession& session = *request.session;
  if (!session.is_staff()) return request.staff_only();
  QueueFilter filter;
  auto& q = request.query;
  if (!q["kind"].empty()) filter.kind = q["kind"];
  if (!q["state"].empty()) filter.state = q["state"];
  if (!q["department"].empty()) filter.department = q["department"];
  if (!q["theme"].empty()) filter.mandate = q["theme"];
  filter.path = number<int>(q["path"]);
  filter.older_than_days = number<int>(q["older"]);
  filter.page = std::max(number<int>(q["page"]).value_or(1), 1);
  filter.page_size = options_.page_size;
  const QueuePage result = store_.queue(filter);

  data values;
  auto options = [&](std::initializer_list<const char*> list, const std::string& prefix,
                     const std::string& chosen) {
    data out{data::type::list};
    for (const char* value : list) {
      data option;
      option.set("value", value);
      option.set("label", request.t(prefix + value));
      option.set("selected", chosen == value);
      out.push_back(option);
    }
    return out;
  };
  values.set("kinds", options({"grant", "org_apply", "revoke", "renew"}, "kind_", q["kind"]));
  values.set("states", options({"proposed", "approved", "applied", "held"}, "state_", q["state"]));
  values.set("paths", options({"1", "2"}, "queue_path_", q["path"]));
  values.set("department", q["department"]);
  values.set("theme", q["theme"]);
  values.set("older", q["older"]);
  const bool decides = session.has_role("reviewer") || session.has_role("admin");
  values.set("can_bulk", decides);
  data items{data::type::list};
  std::string group;  // the department and person of the rows above
  for (const ItemRow& row : result.items) {
    data item;
    // The queue is ordered by kind, department and person: a heading where the group changes.
    const std::string person = row.account.empty() ? request.t("the_organisation")
                                                   : row.display_name + " (" + row.account + ")";
    const std::string heading = (row.department.empty() ? "" : row.department + ": ") + person;
    if (heading != group) item.set("group", heading);
    group = heading;
    item.set("id", std::to_string(row.id));
    item.set("version", std::to_string(row.version));
    item.set("selectable", row.state == "proposed");
    item.set("kind", request.t("kind_" + row.kind));
    item.set("state", request.t("state_" + row.state));
    item.set("person", row.account.empty() ? "" : row.display_name + " (" + row.account + ")");
    item.set("department", row.department);
    item.set("theme", row.mandate_name_fi + " (" + row.mandate + ")");
    item.set("age_days", std::to_string(row.age_days));
    items.push_back(item);
  }
  values.set("items", items);
  values.set("has_items", !result.items.empty());
  values.set("page", std::to_string(filter.page));
  auto page_link = [&](int page) {
    std::string link = "/?page=" + std::to_string(page);
    for (const char* name : {"kind", "state", "department", "theme", "path", "older"}) {
      if (!q[name].empty()) link += std::string("&") + name + "=" + url_encode(q[name]);
    }
    return link;
  };
  if (filter.page > 1) values.set("previous", page_link(filter.page - 1));
  if (result.has_next) values.set("next", page_link(filter.page + 1));
  std::string notice;
  if (q["notice"] == "saved") notice = request.t("decision_saved");
  if (const auto count = number<int>(q["approved"])) {
    notice = request.t("bulk_saved");
    if (const auto at = notice.find("{{count}}"); at != std::string::npos)
      notice.replace(at, 9, std::to_string(*count));
  }
  return request.page(http::status::ok, request.t("queue_title"), "queue", values, notice,
                      "success");
}

HttpResponse Console::item_page(Request& request, long long id, const std::string& notice,
                                const std::string& notice_kind, unsigned status) {
  const WebSession& session = *request.session;
  if (!session.is_staff()) return request.staff_only();
  const auto item = store_.item(id);
  if (!item) return request.message_page(http::status::not_found, request.t("not_found"));
  const ItemRow& row = item->row;
  const bool decides = session.has_role("reviewer") || session.has_role("admin");
  data values;
  values.set("id", std::to_string(row.id));
  values.set("kind", request.t("kind_" + row.kind));
  values.set("state", request.t("state_" + row.state));
  values.set("person", row.account.empty() ? "" : row.display_name + " (" + row.account + ")");
  values.set("department", row.department);
  values.set("service", row.service);
  add_item_facts(values, *item, request.language);
  values.set("reason", reason_text(*item, request.language));
  values.set("rule", row.rule);
  values.set("version", std::to_string(row.version));
  if (row.state == "proposed" || row.state == "approved" || row.state == "applied") {
    data steps{data::type::list};
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    for (const std::string& step : execution_steps_text(*item, request.language, today)) {
      steps.push_back(step);
    }
    values.set("steps", steps);
    values.set("has_steps", true);
  }
  const bool open = row.state == "proposed" || row.state == "approved" || row.state == "applied";
  values.set("has_person", !row.account.empty());
  // A leaver's revokes are best executed together (Suomi.fi's selection basket).
  if (row.kind == "revoke" && item->employee_status == "left" && !row.account.empty())
    values.set("leaver_link", "/security/leavers/" + url_encode(row.account));
  values.set("identity_code", item->identity_code_masked.empty()
                                  ? request.t("identity_code_not_recorded")
                                  : item->identity_code_masked);
  // The database decides in the end (web_reveal_identity_code); the page offers the reveal
  // only where it can succeed.
  values.set("can_reveal", identity_ && decides && open && !item->identity_code_masked.empty());
  const auto events = store_.item_audit(id);
  values.set("audit", audit_event_list(events, request.language));
  values.set("has_audit", !events.empty());
  values.set("can_approve", decides && row.state == "proposed");
  values.set("can_record", decides && (row.state == "approved" || row.state == "applied"));
  // Applied: an application sent to DVV and waiting for its answer (path 2), so only an
  // approved org_apply; the database refuses it for any other item.
  values.set("can_apply", decides && row.state == "approved" && row.kind == "org_apply");
  std::string shown_notice = notice;
  if (shown_notice.empty() && request.query["notice"] == "saved")
    shown_notice = request.t("decision_saved");
  HttpResponse response =
      request.page(http::status::ok, request.t("item_title") + " " + std::to_string(id), "item",
                   values, shown_notice, notice.empty() ? "success" : notice_kind);
  response.result(status);
  return response;
}

HttpResponse Console::decide(Request& request, long long id, const std::string& action) {
  const std::string& person = request.session->account;
  const auto version = number<int>(request.field("version"));
  if (!version) return request.message_page(http::status::bad_request, request.t("invalid"));
  try {
    if (action == "approve") {
      store_.approve(person, id, *version);
      return request.redirect("/items/" + std::to_string(id) + "?notice=saved");
    }
    if (action == "reject") {
      store_.reject(person, id, *version, request.field("reason"),
                    non_empty(request.form, "until"));
      return request.redirect("/?notice=saved");
    }
    if (action == "applied") {
      store_.applied(person, id, *version, request.field("note"));
      return request.redirect("/items/" + std::to_string(id) + "?notice=saved");
    }
    if (action == "failed") {
      store_.failed(person, id, *version, request.field("reason"));
      return request.redirect("/?notice=saved");
    }
    if (action == "done") {
      store_.done(person, id, *version, non_empty(request.form, "executed_at"),
                  non_empty(request.form, "valid_until"), request.field("note"));
      return request.redirect("/?notice=saved");
    }
  } catch (const WebRefusal& refusal) {
    log_info(
        fmt::format("web: {} on item {} by {} refused: {}", action, id, person, refusal.what()));
    switch (refusal.kind()) {
      case WebRefusal::Kind::kStale:
        return item_page(request, id, request.t("stale"), "error", 409);
      case WebRefusal::Kind::kNotAllowed:
        return item_page(request, id, request.t("not_allowed"), "error", 403);
      case WebRefusal::Kind::kNotFound:
        return request.message_page(http::status::not_found, request.t("not_found"));
      case WebRefusal::Kind::kInvalid:
        return item_page(request, id, request.t("invalid") + " " + refusal.what(), "error", 422);
    }
  }
  return request.message_page(http::status::not_found, request.t("not_found"));
}

namespace {

data item_rows(const std::vector<ItemRow>& rows, const std::function<std::string(std::string)>& t) {
  data items{data::type::list};
  for (const ItemRow& row : rows) {
    data item;
    item.set("id", std::to_string(row.id));
    item.set("kind", t("kind_" + row.kind));
    item.set("state", t("state_" + row.state));
    item.set("person", row.account.empty() ? "" : row.display_name + " (" + row.account + ")");
    item.set("department", row.department);
    item.set("theme", row.mandate_name_fi + " (" + row.mandate + ")");
    items.push_back(item);
  }
  return items;
}

}  // namespace

HttpResponse Console::runs(Request& request) {
  if (!request.session->is_staff()) return request.staff_only();
  data runs{data::type::list};
  const auto held = store_.held_runs();
  for (const RunRow& row : held) {
    data run;
    run.set("id", std::to_string(row.id));
    run.set("started_at", row.started_at);
    run.set("held_reason", row.held_reason);
    run.set("items_added", std::to_string(row.items_added));
    run.set("entries_refused", std::to_string(row.entries_refused));
    runs.push_back(run);
  }
  data values;
  values.set("runs", runs);
  values.set("has_runs", !held.empty());
  return request.page(http::status::ok, request.t("runs_title"), "runs", values);
}

HttpResponse Console::run_page(Request& request, long long id, const std::string& notice,
                               const std::string& notice_kind, unsigned status) {
  const WebSession& session = *request.session;
  if (!session.is_staff()) return request.staff_only();
  const auto detail = store_.run(id);
  if (!detail) return request.message_page(http::status::not_found, request.t("not_found"));
  const RunRow& run = detail->run;
  const bool unresolved = run.hold_status() == "held";
  data values;
  values.set("id", std::to_string(run.id));
  values.set("status", run.held() ? request.t("status_" + run.hold_status()) : "");
  values.set("held_reason", run.held_reason);
  values.set("held_at", run.held_at);
  values.set("started_at", run.started_at);
  values.set("entries_read", std::to_string(run.entries_read));
  data refused{data::type::list};
  for (const RefusedRow& entry : detail->refused) {
    data row;
    row.set("dn", entry.dn);
    row.set("account", entry.account);
    row.set("field", entry.field);
    row.set("reason", entry.reason);
    refused.push_back(row);
  }
  values.set("refused", refused);
  values.set("has_refused", !detail->refused.empty());
  values.set("items",
             item_rows(detail->items, [&](const std::string& key) { return request.t(key); }));
  // The database decides in the end; the page offers only what the person's roles allow.
  values.set("can_release", unresolved && session.has_role("admin"));
  values.set("can_discard",
             unresolved && (session.has_role("reviewer") || session.has_role("admin")));
  HttpResponse response =
      request.page(http::status::ok, request.t("run_title") + " " + std::to_string(id), "run",
                   values, notice, notice_kind);
  response.result(status);
  return response;
}

HttpResponse Console::resolve_run(Request& request, long long id, const std::string& action) {
  const std::string& person = request.session->account;
  try {
    int moved = 0;
    if (action == "release") {
      moved = store_.release_run(person, id, request.field("note"));
    } else if (action == "discard") {
      moved = store_.discard_run(person, id, request.field("reason"));
    } else {
      return request.message_page(http::status::not_found, request.t("not_found"));
    }
    log_info(fmt::format("web: run {} {} by {}: {} items", id, action, person, moved));
    std::string text = request.t("run_resolved");
    if (const auto at = text.find("{{count}}"); at != std::string::npos)
      text.replace(at, 9, std::to_string(moved));
    return run_page(request, id, text, "success", 200);
  } catch (const WebRefusal& refusal) {
    log_info(
        fmt::format("web: {} of run {} by {} refused: {}", action, id, person, refusal.what()));
    switch (refusal.kind()) {
      case WebRefusal::Kind::kNotAllowed:
        return run_page(request, id, request.t("not_allowed"), "error", 403);
      case WebRefusal::Kind::kNotFound:
        return request.message_page(http::status::not_found, request.t("not_found"));
      case WebRefusal::Kind::kStale:
        return run_page(request, id, request.t("run_not_held"), "error", 409);
      case WebRefusal::Kind::kInvalid:
        return run_page(request, id, request.t("invalid") + " " + refusal.what(), "error", 422);
    }
  }
  return request.message_page(http::status::not_found, request.t("not_found"));
}

HttpResponse Console::security_report(Request& request, const std::string& name) {
  const WebSession& session = *request.session;
  if (!session.has_role("security") && !session.has_role("admin"))
    return request.message_page(http::status::forbidden, request.t("not_allowed"), "/me");
  auto& q = request.query;
  ReportFilter filter;
  if (!q["department"].empty()) filter.department = q["department"];
  if (!q["theme"].empty()) filter.theme = q["theme"];
  int within = 60;
  std::vector<std::pair<std::string, ReportTable>> tables;  // caption key, table
  if (name == "leavers") {
    tables.emplace_back("", leavers_table(store_.leavers(filter, options_.leavers_ous)));
  } else if (name == "sla") {
    const SlaReport sla = store_.sla(filter, options_.sla.path1_days, options_.sla.path2_days, 90);
    tables.emplace_back("", sla_items_table(sla));
    tables.emplace_back("sla_paths", sla_paths_table(sla));
  } else if (name == "expiring") {
    if (!q["within"].empty()) {
      const auto days = number<int>(q["within"]);
      if (!days || *days < 0 || *days > 9131)
        return request.message_page(http::status::bad_request, request.t("invalid"));
      within = *days;
    }
    tables.emplace_back("", expiring_table(store_.expiring(filter, within)));
  } else {
    return request.message_page(http::status::not_found, request.t("not_found"));
  }
  if (q["format"] == "csv") {
    HttpResponse response{http::status::ok, request.raw.version()};
    response.set(http::field::content_type, "text/csv; charset=utf-8");
    response.set(http::field::content_disposition,
                 "attachment; filename=\"valtuus-" + name + ".csv\"");
    response.set(http::field::cache_control, "no-store");
    response.body() = csv_document(tables[0].second.fields, tables[0].second.rows);
    return response;
  }
  data values;
  const std::string path = "/security/" + name;
  values.set("path", path);
  values.set("department", q["department"]);
  values.set("theme", q["theme"]);
  values.set("has_within", name == "expiring");
  values.set("within", std::to_string(within));
  std::string csv_link = path + "?format=csv";
  for (const char* key : {"department", "theme", "within"}) {
    if (!q[key].empty()) csv_link += std::string("&") + key + "=" + url_encode(q[key]);
  }
  values.set("csv_link", csv_link);
  data list{data::type::list};
  for (const auto& [caption, table] : tables) {
    data entry;
    // Unset, not "": mustache takes an empty string for true, and an empty <h2> misleads
    // screen readers.
    if (!caption.empty()) entry.set("caption", request.t(caption));
    data headers{data::type::list};
    for (const auto& field : table.fields) headers.push_back(request.t("col_" + field));
    entry.set("headers", headers);
    data rows{data::type::list};
    for (const auto& row : table.rows) {
      data cells{data::type::list};
      for (const auto& cell : row) cells.push_back(cell.text);
      data r;
      r.set("cells", cells);
      // A leaver's row opens that person's page (by account: never an identity code).
      if (name == "leavers") r.set("link", "/security/leavers/" + url_encode(row[0].text));
      rows.push_back(r);
    }
    entry.set("rows", rows);
    entry.set("has_rows", !table.rows.empty());
    entry.set("has_links", name == "leavers");
    list.push_back(entry);
  }
  values.set("tables", list);
  return request.page(http::status::ok, request.t("report_" + name), "report", values);
}

// Two steps: the queue's form shows what was selected for one confirmation; the confirmation
// approves exactly those (item, version) pairs with the comment, all or nothing.
HttpResponse Console::bulk_approve(Request& request) {
  if (!request.session->is_staff()) return request.staff_only();
  const std::string& person = request.session->account;
  std::vector<std::pair<long long, int>> selected;
  for (const auto& [name, value] : request.form) {
    if (!name.starts_with("item-")) continue;
    const auto id = number<long long>(name.substr(5));
    const auto version = number<int>(value);
    if (!id || !version)
      return request.message_page(http::status::bad_request, request.t("invalid"));
    selected.emplace_back(*id, *version);
  }
  const std::string comment = request.field("comment");
  if (selected.empty() || comment.find_first_not_of(" \t") == std::string::npos)
    return request.message_page(http::status::unprocessable_entity, request.t("bulk_none"));
  if (request.field("confirm") == "1") {
    try {
      const int approved = store_.approve_all(person, selected, comment);
      log_info(fmt::format("web: {} approved {} items together", person, approved));
      return request.redirect("/?approved=" + std::to_string(approved));
    } catch (const WebRefusal& refusal) {
      log_info(fmt::format("web: bulk approve by {} refused: {}", person, refusal.what()));
      const auto status =
          refusal.kind() == WebRefusal::Kind::kStale        ? http::status::conflict
          : refusal.kind() == WebRefusal::Kind::kNotAllowed ? http::status::forbidden
          : refusal.kind() == WebRefusal::Kind::kNotFound   ? http::status::not_found
                                                            : http::status::unprocessable_entity;
      const std::string why = refusal.kind() == WebRefusal::Kind::kStale
                                  ? request.t("stale") + " " + refusal.what()
                                  : refusal.what();
      return request.message_page(status, request.t("bulk_refused") + " " + why);
    }
  }
  data items{data::type::list};
  for (const auto& [id, version] : selected) {
    const auto item = store_.item(id);
    if (!item) return request.message_page(http::status::not_found, request.t("not_found"));
    const ItemRow& row = item->row;
    data entry;
    entry.set("id", std::to_string(id));
    // The version the queue showed, not the current one: a change meanwhile is refused.
    entry.set("version", std::to_string(version));
    entry.set("kind", request.t("kind_" + row.kind));
    entry.set("person", row.account.empty() ? "" : row.display_name + " (" + row.account + ")");
    entry.set("theme", row.mandate_name_fi + " (" + row.mandate + ")");
    items.push_back(entry);
  }
  std::string text = request.t("bulk_confirm_text");
  if (const auto at = text.find("{{count}}"); at != std::string::npos)
    text.replace(at, 9, std::to_string(selected.size()));
  data values;
  values.set("items", items);
  values.set("comment", comment);
  values.set("confirm_text", text);
  return request.page(http::status::ok, request.t("bulk_confirm_title"), "bulk", values);
}

HttpResponse Console::person_page(Request& request, const std::string& ref,
                                  const std::string& page) {
  if (page != "map" && page != "mandates")
    return request.message_page(http::status::not_found, request.t("not_found"));
  if (ref.empty())
    return request.message_page(http::status::forbidden, request.t("not_an_employee"), "/me");
  const auto view = store_.staff_view(ref);
  // An unknown reference and a forbidden one get the same answer: the address tells nobody
  // whether a person exists.
  PersonAccess access = PersonAccess::kNone;
  if (view) {
    const WebSession& session = *request.session;
    std::string viewer_dn;  // for the manager rule: the viewer's DN as last read
    store_.with_orders([&](WebOrders& orders) {
      if (auto viewer = orders.person(session.account)) viewer_dn = viewer->dn;
    });
    const StaffPerson& person = view->person;
    access =
        person_access({session.account, viewer_dn, session.roles, session.employee_key},
                      {person.account, person.manager_dn, person.status == "left", person.key});
  }
  if (!allowed(access)) {
    log_warning(fmt::format("web: {} was refused the {} page of another person",
                            request.session->account, page));
    return request.message_page(http::status::forbidden, request.t("person_not_found"), "/me");
  }
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const StaffPageSettings settings{options_.sla.path1_days, options_.sla.path2_days, now,
                                   options_.mover_grace, options_.leaver_grace};
  const std::string whose = access == PersonAccess::kSelf ? "" : ": " + view->person.display_name;
  if (page == "mandates") {
    return request.page(http::status::ok, request.t("mandates_title") + whose, "my_mandates",
                        my_mandates_values(*view, settings, request.language));
  }
  const auto policy = policies_.current();
  if (!policy) {
    return request.message_page(http::status::service_unavailable, request.t("maps_not_configured"),
                                "/me");
  }
  const Employee employee = employee_of(view->person);
  const Standing standing = standing_from_string(view->person.status).value_or(Standing::kLeft);
  const PersonMap map = person_map(*policy, employee, standing, view->requests, view->held,
                                   view->organisation_rights, now);
  return request.page(http::status::ok, request.t("my_map_title") + whose, "my_map",
                      my_map_values(*policy, *view, map, settings, request.language));
}

OrderOptions Console::with_maps_rule(OrderOptions orders) {
  if (!orders.maps_give) {
    orders.maps_give = [this](const std::string& account, const std::string& mandate) {
      return maps_give(account, mandate);
    };
  }
  return orders;
}

bool Console::maps_give(const std::string& account, const std::string& mandate) {
  const auto policy = policies_.current();
  if (!policy) return false;  // without the maps, the form refuses what the database shows only
  const auto ref = store_.employee_ref_of(account);
  const auto view = ref ? store_.staff_view(*ref) : std::nullopt;
  if (!view) return false;
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const Employee employee = employee_of(view->person);
  const Standing standing = standing_from_string(view->person.status).value_or(Standing::kLeft);
  const PersonMap map = person_map(*policy, employee, standing, view->requests, view->held,
                                   view->organisation_rights, now);
  return std::any_of(map.maps.begin(), map.maps.end(), [&](const MatchedMap& matched) {
    return std::any_of(matched.themes.begin(), matched.themes.end(),
                       [&](const NeededTheme& theme) { return theme.mandate->id == mandate; });
  });
}

HttpResponse Console::maps_page(Request& request, const std::string& file) {
  const auto policy = policies_.current();
  if (!policy) {
    return request.message_page(http::status::service_unavailable,
                                request.t("maps_not_configured"));
  }
  const MapPageSettings settings{
      store_.organisation_rights(),
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()),
      options_.sla.path1_days, options_.sla.path2_days};
  auto content = map_page(*policy, settings, request.language, file);
  if (!content) return request.message_page(http::status::not_found, request.t("not_found"));
  return request.page(http::status::ok, content->title, content->template_name,
                      std::move(content->values));
}

}  // namespace valtuus
