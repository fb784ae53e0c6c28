// The console's pages without a server: the message catalogues, every template in every
// language through the layout, and the styles compiled in with their licence.
#include <gtest/gtest.h>

#include <regex>

#include "pages/embedded_files.h"
#include "pages/i18n.h"
#include "pages/page_renderer.h"

namespace valtuus {
namespace {

TEST(Messages, EveryLanguageHasEveryMessage) {
  for (Language language : {Language::kFi, Language::kSv, Language::kEn}) {
    EXPECT_EQ(messages(language).size(), messages(Language::kEn).size());
  }
  EXPECT_EQ(message(Language::kSv, "approve"), "Godkänn");
  EXPECT_EQ(language_from_code("SV"), Language::kSv);
  EXPECT_EQ(language_from_code("de"), std::nullopt);
}

TEST(Templates, EveryTemplateRendersInEveryLanguageAndEscapesValues) {
  const PageViewer viewer{"<b>Anna</b>", "csrf-token", true, false, false, true};
  for (const auto& [name, text] : embedded_files()) {
    if (!name.starts_with("templates/") || name == "templates/layout.html") continue;
    const std::string template_name(name.substr(10, name.size() - 15));
    for (Language language : {Language::kFi, Language::kSv, Language::kEn}) {
      kainjow::mustache::data values;
      values.set("account", "<script>x</script>");
      const std::string html =
          render_page({language, viewer, "Title", "", "info"}, template_name, values);
      EXPECT_NE(html.find("lang=\"" + std::string(language_code(language)) + "\""),
                std::string::npos);
      EXPECT_EQ(html.find("<script>"), std::string::npos) << name;
      EXPECT_EQ(html.find("<b>Anna"), std::string::npos) << name;
      // Untranslated keys would show as {{t.x}} gaps or as the key itself.
      EXPECT_EQ(html.find("{{"), std::string::npos) << name;
    }
  }
}

TEST(Templates, TheLayoutOffersTheViewerTheirPartsAndNoFormWithoutALogin) {
  const kainjow::mustache::data values;
  const PageViewer reviewer{"Anna", "csrf-token", true, false, false, true};
  const std::string html =
      render_page({Language::kEn, reviewer, "Title", "", "info"}, "message", values);
  EXPECT_NE(html.find("href=\"/runs\""), std::string::npos);
  EXPECT_NE(html.find("href=\"/theme-requests\""), std::string::npos);
  EXPECT_EQ(html.find("href=\"/security/leavers\""), std::string::npos);
  EXPECT_EQ(html.find("href=\"/me/map\""), std::string::npos);
  EXPECT_NE(html.find("value=\"csrf-token\""), std::string::npos);
  const std::string anonymous =
      render_page({Language::kEn, {}, "Title", "", "info"}, "message", values);
  EXPECT_EQ(anonymous.find("action=\"/logout\""), std::string::npos);
  EXPECT_EQ(anonymous.find("href=\"/runs\""), std::string::npos);
}

TEST(Templates, StylesAreServedFromTheBuildWithTheirLicence) {
  const auto& files = embedded_files();
  ASSERT_TRUE(files.count("static/hds-core/all.min.css"));
  ASSERT_TRUE(files.count("static/hds-core/LICENSE"));
  EXPECT_NE(files.at("static/hds-core/LICENSE").find("MIT"), std::string_view::npos);
  // No style may load anything from another address at run time.
  const std::regex outside(R"(url\(\s*["']?(https?:)?//)");
  for (const auto& [name, text] : files) {
    if (name.ends_with(".css")) {
      EXPECT_FALSE(std::regex_search(text.begin(), text.end(), outside)) << name;
    }
  }
}

}  // namespace
}  // namespace valtuus
