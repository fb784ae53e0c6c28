#include "pages/map_publish.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/calendar.h"
#include "pages/embedded_files.h"
#include "pages/page_renderer.h"

namespace fs = std::filesystem;
using kainjow::mustache::data;

namespace valtuus {

namespace {

void write(const fs::path& root, const std::string& name, std::string_view text,
           std::vector<std::string>& written) {
  const fs::path path = root / name;
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  // Written beside and renamed: a reader of the intranet never sees half a page.
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) throw std::runtime_error(temporary.string() + ": cannot be written");
  }
  fs::rename(temporary, path, error);
  if (error) throw std::runtime_error(path.string() + ": " + error.message());
  written.push_back(name);
}

}  // namespace

std::vector<std::string> publish_maps(const Policy& policy, const MapPageSettings& settings,
                                      const std::string& dir) {
  std::vector<std::string> written;
  const fs::path root(dir);
  const std::string today = format_iso_date(std::chrono::floor<std::chrono::days>(settings.now));
  for (const Language language : {Language::kFi, Language::kSv, Language::kEn}) {
    const std::string code(language_code(language));
    std::string published = message(language, "maps_published");
    if (const auto at = published.find("{{date}}"); at != std::string::npos)
      published.replace(at, 8, today);
    for (const std::string& file : map_page_files(policy)) {
      auto content = map_page(policy, settings, language, file);
      if (!content) continue;
      content->values.set("t", message_data(language));
      data layout;
      layout.set("t", message_data(language));
      layout.set("lang", code);
      layout.set("title", content->title);
      layout.set("file", file);
      layout.set("published", published);
      layout.set("content", render_template(content->template_name, content->values));
      write(root, code + "/" + file, render_template("published_layout", layout), written);
    }
  }
  write(
      root, "index.html",
      "<!DOCTYPE html>\n<html lang=\"fi\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"refresh\" content=\"0; url=fi/index.html\"><title>Valtuuskartat</title>"
      "</head><body><ul><li><a href=\"fi/index.html\" lang=\"fi\">Valtuuskartat</a></li>"
      "<li><a href=\"sv/index.html\" lang=\"sv\">Fullmaktskartor</a></li>"
      "<li><a href=\"en/index.html\" lang=\"en\">Authorisation maps</a></li></ul></body></html>\n",
      written);
  for (const char* name : {"static/valtuus.css", "static/hds-core/base.min.css",
                           "static/hds-core/all.min.css", "static/hds-core/LICENSE"}) {
    const auto file = embedded_files().find(name);
    if (file != embedded_files().end()) write(root, name, file->second, written);
  }
  return written;
}

}  // namespace valtuus
