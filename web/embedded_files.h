// The files compiled into valtuus-web (web/static, web/templates, web/messages), by their
// path under web/, e.g. "templates/layout.html".
#pragma once

#include <map>
#include <string_view>

namespace valtuus {

const std::map<std::string_view, std::string_view>& embedded_files();

}  // namespace valtuus
