// `valtuusctl policy publish DIR`: the organisation's maps as static HTML for the intranet,
// the console's map pages (map_pages.h) in Finnish, Swedish and English, readable without a
// login: DIR/index.html (to the Finnish pages), DIR/{fi,sv,en}/*.html and the styles under
// DIR/static/. No personal data: the pages name departments, titles, groups and themes only.
#pragma once

#include <string>
#include <vector>

#include "core/policy.h"
#include "pages/map_pages.h"

namespace valtuus {

// Writes the pages; returns the files written, relative to `dir`. Creates `dir` when missing;
// overwrites the files of an earlier publication and leaves other files alone. Throws
// std::runtime_error naming the file that cannot be written.
std::vector<std::string> publish_maps(const Policy& policy, const MapPageSettings& settings,
                                      const std::string& dir);

}  // namespace valtuus
