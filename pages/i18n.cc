#include "pages/i18n.h"

#include <array>

#include "core/errors.h"
#include "pages/embedded_files.h"

namespace valtuus {

std::optional<Language> language_from_code(std::string_view code) {
  std::string lower;
  for (char c : code)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "fi") return Language::kFi;
  if (lower == "sv") return Language::kSv;
  if (lower == "en") return Language::kEn;
  return std::nullopt;
}

std::string_view language_code(Language language) {
  switch (language) {
    case Language::kFi:
      return "fi";
    case Language::kSv:
      return "sv";
    case Language::kEn:
      return "en";
  }
  return "fi";
}

namespace {

std::array<nlohmann::json, 3> load_catalogues() {
  std::array<nlohmann::json, 3> catalogues;
  const auto& files = embedded_files();
  for (Language language : {Language::kFi, Language::kSv, Language::kEn}) {
    const std::string name = "messages/" + std::string(language_code(language)) + ".json";
    const auto file = files.find(name);
    if (file == files.end()) throw DataError(name + ": missing from the build");
    try {
      catalogues[static_cast<int>(language)] = nlohmann::json::parse(file->second);
    } catch (const nlohmann::json::exception& e) {
      throw DataError(name + ": " + e.what());
    }
  }
  for (const auto& catalogue : catalogues) {
    for (const auto& [key, text] : catalogue.items()) {
      for (Language language : {Language::kFi, Language::kSv, Language::kEn}) {
        if (!catalogues[static_cast<int>(language)].contains(key)) {
          throw DataError("messages/" + std::string(language_code(language)) +
                          ".json: no text for \"" + key + "\"");
        }
      }
    }
  }
  return catalogues;
}

}  // namespace

const nlohmann::json& messages(Language language) {
  static const std::array<nlohmann::json, 3> catalogues = load_catalogues();
  return catalogues[static_cast<int>(language)];
}

std::string message(Language language, std::string_view key) {
  const auto& catalogue = messages(language);
  const auto found = catalogue.find(std::string(key));
  return found == catalogue.end() ? std::string(key) : found->get<std::string>();
}

}  // namespace valtuus
