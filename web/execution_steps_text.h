// The execution steps of an item (core/execution_steps.h) in the person's language, with the
// concrete values filled in: the theme, the person, and the end date to type.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "connectors/postgres/item_detail.h"
#include "web/i18n.h"

namespace valtuus {

// `today` gives the end date: today plus the theme's validity.
std::vector<std::string> execution_steps_text(const ItemDetail& item, Language language,
                                              std::chrono::sys_days today);

}  // namespace valtuus
