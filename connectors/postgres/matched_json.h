// The `matched` column of a change item: what matched the rule that required the theme, as
// the JSON array change_item.matched stores ([{"attribute": ..., "value": ...}, ...]).
#pragma once

#include <string>

#include "core/change_item.h"

namespace valtuus {

// The text nlohmann::json's dump() gives for the same array, written directly: a first sync
// writes one per item (25,000 at 100,000 people), and building a JSON document for each cost
// more than the rest of the row. A value that is not valid UTF-8 throws as dump() does.
std::string matched_json(const Provenance& provenance);

}  // namespace valtuus
