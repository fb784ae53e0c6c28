// The order form (tilauslomake) of staff self-service, and what goes with it:
//   /order            search the catalog by name, see each theme's path and expected handling
//                     time, order one with a justification and an optional end date; a manager
//                     orders for a direct report (?for=ACCOUNT). Lists the person's orders.
//   /order/theme      a theme missing from the catalog, asked for in free text
//   /reports          a manager's direct reports, each with a link to order for them
//   /theme-requests   the open theme requests, for reviewers and administrators, who close them
// Errors follow GOV.UK's pattern: a summary at the top linking to each field, the field's own
// message beside it, and everything typed kept. The database decides in the end (orders go
// through web_create_request and web_request_theme in the person's name).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/identity_crypto.h"
#include "common/sla_options.h"
#include "connectors/postgres/web_store.h"
#include "pages/i18n.h"
#include "web/http_forms.h"
#include "web/http_types.h"
#include "web/session_store.h"

namespace valtuus {

struct OrderOptions {
  SlaTargets sla;  // the expected handling time of each path, in days
  // Whether the person's maps already give them the theme (the needs rule over the loaded
  // policy). Unset: the form refuses what the database shows held, coming or ordered only.
  std::function<bool(const std::string& account, const std::string& mandate)> maps_give;
  // The directory holds no identity codes: the form asks for the employee's own, sealed with
  // this key before it is stored (identity.key_file). Without a key the form cannot ask.
  bool ask_identity_code = false;
  std::shared_ptr<const IdentityCrypto> identity_crypto;
};

// The parts of a request these pages read; the console checked the session and the CSRF token.
struct OrderRequest {
  const HttpRequest& raw;
  const WebSession& session;
  const FormFields& form;
  const FormFields& query;
  Language language;
};

class OrderPages {
 public:
  OrderPages(const OrderOptions& options, WebStore& store) : options_(options), store_(store) {}

  // The answer for `path`, or nullopt when the path is none of these pages.
  std::optional<HttpResponse> handle(const std::string& path, const OrderRequest& request);

 private:
  HttpResponse order_form(const OrderRequest& request, bool post);
  HttpResponse theme_form(const OrderRequest& request, bool post);
  HttpResponse reports(const OrderRequest& request);
  HttpResponse theme_requests(const OrderRequest& request, const std::string& notice,
                              unsigned status);
  HttpResponse close_theme_request(const OrderRequest& request, long long id);

  OrderOptions options_;
  WebStore& store_;
};

}  // namespace valtuus
