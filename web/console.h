// The console's pages and forms: login and logout, who I am, the reviewer's queue, one item
// and the decisions on it, held runs and their release or discard. Every page with personal data
// needs a session; every POST needs the session's CSRF token (the login form a token of its own);
// decisions go to the database in the person's name (WebStore), which applies the rules.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/sla_options.h"
#include "connectors/postgres/web_store.h"
#include "web/authenticator.h"
#include "web/http_types.h"
#include "web/login_limiter.h"
#include "web/order_pages.h"
#include "web/session_store.h"
#include "web/web_roles.h"

namespace valtuus {

struct ConsoleOptions {
  RoleGroups role_groups;
  SessionLimits sessions;
  int login_max_failures = 5;
  std::chrono::seconds login_failure_window{15 * 60};
  int page_size = 50;
  // For the security pages, as valtuusctl report reads them (sla.*, reconcile.leavers_ou).
  SlaTargets sla;
  std::vector<std::string> leavers_ous;
  // Single sign-on: the reverse proxy names the person in this header; accepted only from
  // this address. Both empty: logins by password only.
  std::string trusted_header;
  std::string trusted_proxy;
  // The order form and the pages that go with it (web/order_pages.h).
  OrderOptions orders;
};

class Console {
 public:
  Console(const ConsoleOptions& options, Authenticator& authenticator, WebStore& store);

  HttpResponse handle(const HttpRequest& request, const RequestInfo& info);

  SessionStore& sessions() { return sessions_; }

  class Request;  // one request being answered (console.cc)

 private:
  HttpResponse route(Request& request);
  HttpResponse login_page(Request& request, const std::string& error);
  HttpResponse login(Request& request);
  HttpResponse proxy_login(Request& request, const std::string& account);
  // The session made for a person the directory (or the proxy) vouched for.
  HttpResponse start_session(Request& request, const DirectoryPerson& person,
                             const std::string& location);
  HttpResponse logout(Request& request);
  HttpResponse language(Request& request);
  HttpResponse me(Request& request);
  HttpResponse queue(Request& request);
  HttpResponse item_page(Request& request, long long id, const std::string& notice,
                         const std::string& notice_kind, unsigned status);
  HttpResponse decide(Request& request, long long id, const std::string& action);
  HttpResponse bulk_approve(Request& request);
  HttpResponse runs(Request& request);
  HttpResponse run_page(Request& request, long long id, const std::string& notice,
                        const std::string& notice_kind, unsigned status);
  // /security/leavers, /security/sla, /security/expiring; ?format=csv downloads the rows.
  HttpResponse security_report(Request& request, const std::string& name);
  HttpResponse resolve_run(Request& request, long long id, const std::string& action);

  ConsoleOptions options_;
  Authenticator& authenticator_;
  WebStore& store_;
  SessionStore sessions_;
  LoginLimiter limiter_;
  OrderPages orders_;
};

}  // namespace valtuus
