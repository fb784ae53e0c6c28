// The console's languages (fi, sv, en) and their message catalogues (pages/messages/*.json,
// compiled in). Every page takes its words from here, never from the code.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace valtuus {

enum class Language { kFi, kSv, kEn };

// "fi", "sv", "en" (ignoring case); anything else: nullopt.
std::optional<Language> language_from_code(std::string_view code);
std::string_view language_code(Language language);

// The catalogue of `language`: an object of key → text. Loaded once; throws DataError when a
// catalogue is not valid JSON or lacks a key another one has (so a page is never half
// translated).
const nlohmann::json& messages(Language language);

// One message; the key itself when missing (visible, never empty).
std::string message(Language language, std::string_view key);

}  // namespace valtuus
