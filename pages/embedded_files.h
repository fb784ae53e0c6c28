// The files compiled into valtuus-web and valtuusctl (pages/static, pages/templates,
// pages/messages), by their path under pages/, e.g. "templates/layout.html".
#pragma once

#include <map>
#include <string_view>

namespace valtuus {

const std::map<std::string_view, std::string_view>& embedded_files();

}  // namespace valtuus
