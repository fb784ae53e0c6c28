// Renders a page: a template of pages/templates inside the layout, with the words of the
// person's language under "t". Values are HTML-escaped by mustache; only the rendered content
// goes into the layout unescaped.
#pragma once

#include <kainjow/mustache.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "pages/i18n.h"

namespace valtuus {

// The logged-in person as the layout shows them: their name, the token every form carries
// back, and which parts of the console the navigation offers. Who sees what is the console's
// rule (web/page_viewer.h); the renderer only draws it.
struct PageViewer {
  std::string display_name;
  std::string csrf;
  bool is_staff = false;      // the queue and the runs
  bool sees_reports = false;  // the security pages
  bool is_employee = false;   // one's own map, mandates and order form
  bool decides = false;       // the theme requests
};

struct PageFrame {
  Language language = Language::kFi;
  std::optional<PageViewer> viewer;  // none: not logged in
  std::string title;                 // already in the person's language
  std::string notice;                // a message above the page, or empty
  std::string notice_kind = "info";  // HDS notification kind: info, success, error
};

// Throws DataError when the template is missing or does not parse (a build fault).
std::string render_page(const PageFrame& frame, std::string_view template_name,
                        kainjow::mustache::data data);

// One template of pages/templates with `data`, without the layout (static pages have their own).
std::string render_template(std::string_view name, const kainjow::mustache::data& data);

// The messages of `language` as mustache data (for "t").
kainjow::mustache::data message_data(Language language);

}  // namespace valtuus
