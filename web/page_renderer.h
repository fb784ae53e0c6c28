// Renders a page: a template of web/templates inside the layout, with the words of the
// person's language under "t". Values are HTML-escaped by mustache; only the rendered content
// goes into the layout unescaped.
#pragma once

#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>

#include "web/i18n.h"
#include "web/session_store.h"

namespace valtuus {

struct PageFrame {
  Language language = Language::kFi;
  const WebSession* session = nullptr;  // null: not logged in
  std::string title;                    // already in the person's language
  std::string notice;                   // a message above the page, or empty
  std::string notice_kind = "info";     // HDS notification kind: info, success, error
};

// Throws DataError when the template is missing or does not parse (a build fault).
std::string render_page(const PageFrame& frame, std::string_view template_name,
                        kainjow::mustache::data data);

// One template of web/templates with `data`, without the layout (static pages have their own).
std::string render_template(std::string_view name, const kainjow::mustache::data& data);

// The messages of `language` as mustache data (for "t").
kainjow::mustache::data message_data(Language language);

}  // namespace valtuus
