#include "pages/page_renderer.h"

#include "core/errors.h"
#include "pages/embedded_files.h"

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
  if (frame.viewer) {
    kainjow::mustache::data session;
    session.set("csrf", frame.viewer->csrf);
    session.set("display_name", frame.viewer->display_name);
    session.set("is_staff", frame.viewer->is_staff);
    session.set("sees_reports", frame.viewer->sees_reports);
    session.set("is_employee", frame.viewer->is_employee);
    session.set("decides", frame.viewer->decides);
    layout.set("session", session);
    data.set("csrf", frame.viewer->csrf);
  }
  if (!frame.notice.empty()) {
    layout.set("notice", frame.notice);
    layout.set("notice_kind", frame.notice_kind);
  }
  layout.set("content", render_template(template_name, data));
  return render_template("layout", layout);
}

}  // namespace valtuus
