// Encryption of stored personal identity codes (libsodium). One 32-byte master key, read from
// a file, yields two keys: one seals codes for storage (crypto_secretbox, a random nonce per
// code), one hashes them (keyed crypto_generichash) so that a changed code can be detected,
// and codes matched, without decrypting. Key material is wiped when the object goes.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/identity_options.h"

namespace valtuus {

using Bytes = std::vector<unsigned char>;

struct SealedIdentityCode {
  Bytes ciphertext;
  Bytes nonce;
};

class IdentityCrypto {
 public:
  static constexpr std::size_t kKeyBytes = 32;

  // Derives the two keys; the caller wipes its copy of `master_key`.
  explicit IdentityCrypto(const std::array<unsigned char, kKeyBytes>& master_key);
  ~IdentityCrypto();
  IdentityCrypto(const IdentityCrypto&) = delete;
  IdentityCrypto& operator=(const IdentityCrypto&) = delete;

  // The ciphertext covers the employee's key too, so that a ciphertext copied onto another
  // person's row does not open as theirs (secretbox has no associated data of its own).
  SealedIdentityCode seal(std::string_view employee_key, std::string_view code) const;

  // Throws DataError when the ciphertext does not open with this key or belongs to another
  // employee (a wrong key file, or a tampered row). The message never holds the code.
  std::string open(std::string_view employee_key, const SealedIdentityCode& sealed) const;

  // Keyed: without the key, the hash cannot be tested against the few million possible codes.
  Bytes match_hash(std::string_view code) const;

 private:
  std::array<unsigned char, kKeyBytes> box_key_{};
  std::array<unsigned char, kKeyBytes> hash_key_{};
};

// Reads the master key from `path` (32 raw bytes, or 64 hex characters and an optional
// newline; a relative path is looked up in $CREDENTIALS_DIRECTORY first). Throws ConfigError
// naming `option` when the file cannot be read or has another size.
std::unique_ptr<IdentityCrypto> load_identity_key_file(const std::string& path,
                                                       const std::string& option);

// nullptr when identity.key_file is not set.
std::unique_ptr<IdentityCrypto> load_identity_crypto(const IdentityOptions& options);

}  // namespace valtuus
