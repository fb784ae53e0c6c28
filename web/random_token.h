// Unguessable tokens for session cookies and CSRF fields: 32 bytes from libsodium's CSPRNG,
// base64url without padding (43 characters, safe in cookies and forms).
#pragma once

#include <string>
#include <string_view>

namespace valtuus {

std::string random_token();

// Compares two tokens in time independent of where they differ.
bool tokens_equal(std::string_view a, std::string_view b);

}  // namespace valtuus
