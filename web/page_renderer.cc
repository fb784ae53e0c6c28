#include "web/page_renderer.h"

#include "core/errors.h"
#include "web/embedded_files.h"

namespace valtuus {

std::string render_template(std::string_view name, const kainjow::mustache::data& data) {
  const auto& files = embedded_files();
  const auto file = files.find("templates/" + std::string(name) + ".html");
  if (file == files.end()) throw DataError("templates/" + std::string(name) + ".html: missing");
  kainjow::mustache::mustache tmpl{std::string(file->second)};
  if (!tmpl.is_valid()) {
    throw DataError("templates/" + std::string(name) + ".html: " + tmpl.error_message());
  }
  return tmpl.render(data);
}

kainjow::mustache::data message_data(Language language) {
  kainjow::mustache::data t;
  for (const auto& [key, text] : messages(language).items()) t.set(key, text.get<std::string>());
  return t;
}

std::string render_page(const PageFrame& frame, std::string_view template_name,
                        kainjow::mustache::data data) {
  const kainjow::mustache::data t = message_data(frame.language);
  data.set("t", t);
  kainjow::mustache::data layout;
  layout.set("t", t);
  layout.set("lang", std::string(language_code(frame.language)));
  layout.set("title", frame.title);
  if (frame.session) {
    kainjow::mustache::data session;
    session.set("csrf", frame.session->csrf);
    session.set("display_name", frame.session->display_name);
    // The security pages' links, for those whose roles may open them.
    session.set("sees_reports",
                frame.session->has_role("security") || frame.session->has_role("admin"));
    session.set("is_staff", frame.session->is_staff());
    session.set("is_employee", !frame.session->employee_ref.empty());
    session.set("decides", frame.session->has_role("reviewer") || frame.session->has_role("admin"));
    layout.set("session", session);
    data.set("csrf", frame.session->csrf);
  }
  if (!frame.notice.empty()) {
    layout.set("notice", frame.notice);
    layout.set("notice_kind", frame.notice_kind);
  }
  layout.set("content", render_template(template_name, data));
  return render_template("layout", layout);
}

}  // namespace valtuus
