// The console's pages and forms: login and logout, who I am, the reviewer's queue, one item
// and the decisions on it, held runs and their release or discard. Every page with personal data
// needs a session; every POST needs the session's CSRF token (the login form a token of its own);
// decisions go to the database in the person's name (WebStore), which applies the rules.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/identity_crypto.h"
#include "common/sla_options.h"
#include "connectors/postgres/web_store.h"
#include "web/authenticator.h"
#include "web/http_types.h"
#include "web/login_limiter.h"
#include "web/order_pages.h"
#include "web/policy_source.h"
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
  // reconcile.mover_grace_days / leaver_grace_days: when a revoke shown on a person's map page
  // will be proposed.
  std::chrono::days mover_grace{14};
  std::chrono::days leaver_grace{0};
  // Single sign-on: the reverse proxy names the person in this header; accepted only from
  // this address. Both empty: logins by password only.
  std::string trusted_header;
  std::string trusted_proxy;
  // identity.key_file, loaded once: it opens stored identity codes for the audited reveal on
  // an item's page, and the order form seals the codes it asks for with it. Null: the console
  // reveals none (and the form asks for none).
  std::shared_ptr<const IdentityCrypto> identity_crypto;
  // policy.dir: the authorisation maps (the daemon's), for the staff map pages and the
  // grant-right coverage page. Empty: those pages say they are not set up.
  std::string policy_dir;
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
  // The identity code of an item's person, once, audited (reveal_page.cc).
  HttpResponse reveal(Request& request, long long id);
  // One leaver's mandates in force with their revoke items (leaver_pages.cc).
  HttpResponse leaver_page(Request& request, const std::string& account);
  // Themes the organisation can grant, and who holds the right to (coverage_page.cc).
  HttpResponse coverage(Request& request);
  // An employee's pages, "map" or "mandates", by their reference (employee.web_ref); only for
  // those person_access() lets in.
  HttpResponse person_page(Request& request, const std::string& ref, const std::string& page);
  // The organisation's maps: /maps/index.html and the pages it links (map_pages.h).
  HttpResponse maps_page(Request& request, const std::string& file);
  // Whether the loaded maps already give `account` the theme `mandate` (the needs rule of the
  // staff pages, core/person_map.h): the order form refuses such an order.
  bool maps_give(const std::string& account, const std::string& mandate);
  // The order form's options, with the maps rule unless the caller set its own.
  OrderOptions with_maps_rule(OrderOptions orders);

  ConsoleOptions options_;
  Authenticator& authenticator_;
  WebStore& store_;
  SessionStore sessions_;
  LoginLimiter limiter_;
  std::shared_ptr<const IdentityCrypto> identity_;  // null: no key file, no reveal
  PolicySource policies_;
  OrderPages orders_;
};

}  // namespace valtuus
