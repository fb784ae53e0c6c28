// The execution steps of an item (core/execution_steps.h) in the person's language, with the
// concrete values filled in: the theme, the person, and the end date to type.
#pragma once

#include <chrono>
#include <kainjow/mustache.hpp>
#include <string>
#include <vector>

#include "connectors/postgres/item_detail.h"
#include "pages/i18n.h"

namespace valtuus {

// `today` gives the end date: today plus the theme's validity.
std::vector<std::string> execution_steps_text(const ItemDetail& item, Language language,
                                              std::chrono::sys_days today);

// A message (itself mustache) with `values` put in unescaped: the page escapes the result
// once when it shows it.
std::string fill_message(const std::string& text, const kainjow::mustache::data& values);

}  // namespace valtuus
