#include "common/identity_crypto.h"

#include "common/secret_file.h"

#include <sodium.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/errors.h"

namespace valtuus {

namespace {

static_assert(IdentityCrypto::kKeyBytes == crypto_kdf_KEYBYTES);
static_assert(IdentityCrypto::kKeyBytes == crypto_secretbox_KEYBYTES);
static_assert(IdentityCrypto::kKeyBytes == crypto_generichash_KEYBYTES);

// Subkey ids under one context: changing either would make every stored code unreadable.
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "ValtHetu";
constexpr std::uint64_t kBoxKeyId = 1;
constexpr std::uint64_t kHashKeyId = 2;
constexpr std::size_t kHashBytes = 32;

// Wipes a buffer on every way out of a scope.
template <typename Buffer>
class Wipe {
 public:
  explicit Wipe(Buffer& buffer) : buffer_(buffer) {}
  ~Wipe() { sodium_memzero(buffer_.data(), buffer_.size()); }
  Wipe(const Wipe&) = delete;
  Wipe& operator=(const Wipe&) = delete;

 private:
  Buffer& buffer_;
};

void require_sodium() {
  if (sodium_init() < 0) throw Error("libsodium could not be initialised");
}

}  // namespace

IdentityCrypto::IdentityCrypto(const std::array<unsigned char, kKeyBytes>& master_key) {
  require_sodium();
  crypto_kdf_derive_from_key(box_key_.data(), box_key_.size(), kBoxKeyId, kKdfContext,
                             master_key.data());
  crypto_kdf_derive_from_key(hash_key_.data(), hash_key_.size(), kHashKeyId, kKdfContext,
                             master_key.data());
}

IdentityCrypto::~IdentityCrypto() {
  sodium_memzero(box_key_.data(), box_key_.size());
  sodium_memzero(hash_key_.data(), hash_key_.size());
}

SealedIdentityCode IdentityCrypto::seal(std::string_view employee_key,
                                        std::string_view code) const {
  // employee_key NUL code: a PostgreSQL text value never holds a NUL, so the split is exact.
  std::string plain;
  Wipe wipe_plain(plain);
  plain.reserve(employee_key.size() + 1 + code.size());
  plain.append(employee_key).push_back('\0');
  plain.append(code);
  SealedIdentityCode sealed;
  sealed.nonce.resize(crypto_secretbox_NONCEBYTES);
  randombytes_buf(sealed.nonce.data(), sealed.nonce.size());
  sealed.ciphertext.resize(crypto_secretbox_MACBYTES + plain.size());
  crypto_secretbox_easy(sealed.ciphertext.data(),
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                        sealed.nonce.data(), box_key_.data());
  return sealed;
}

std::string IdentityCrypto::open(std::string_view employee_key,
                                 const SealedIdentityCode& sealed) const {
  if (sealed.nonce.size() != crypto_secretbox_NONCEBYTES ||
      sealed.ciphertext.size() < crypto_secretbox_MACBYTES) {
    throw DataError("the stored identity code is damaged (nonce or ciphertext has a wrong size)");
  }
  std::string plain(sealed.ciphertext.size() - crypto_secretbox_MACBYTES, '\0');
  Wipe wipe_plain(plain);
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 sealed.ciphertext.data(), sealed.ciphertext.size(),
                                 sealed.nonce.data(), box_key_.data()) != 0) {
    throw DataError(
        "the stored identity code does not open with this key: is identity.key_file the key "
        "the daemon uses?");
  }
  if (plain.size() <= employee_key.size() || plain.compare(0, employee_key.size(), employee_key) ||
      plain[employee_key.size()] != '\0') {
    throw DataError("the stored identity code belongs to another employee: the row was altered");
  }
  return plain.substr(employee_key.size() + 1);
}

Bytes IdentityCrypto::match_hash(std::string_view code) const {
  Bytes hash(kHashBytes);
  crypto_generichash(hash.data(), hash.size(), reinterpret_cast<const unsigned char*>(code.data()),
                     code.size(), hash_key_.data(), hash_key_.size());
  return hash;
}

std::unique_ptr<IdentityCrypto> load_identity_key_file(const std::string& path,
                                                       const std::string& option) {
  // Not read_secret_file: it drops a trailing newline, which would cut a raw key whose last
  // byte happens to be 0x0a. Read the bytes as they are, and never more than a hex key needs.
  if (path.empty()) throw ConfigError(option + ": no file given");
  require_sodium();
  const std::string resolved = resolve_credential_path(path);
  std::error_code ec;
  if (std::filesystem::is_directory(resolved, ec)) {
    throw ConfigError(option + ": '" + resolved + "' is a folder, not a file");
  }
  std::ifstream in(resolved, std::ios::binary);
  if (!in) {
    throw ConfigError(option + ": cannot read '" + resolved + "': " + std::strerror(errno));
  }
  std::array<char, 2 * IdentityCrypto::kKeyBytes + 3> content{};
  Wipe wipe_content(content);
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  std::size_t size = static_cast<std::size_t>(in.gcount());
  std::array<unsigned char, IdentityCrypto::kKeyBytes> key{};
  Wipe wipe_key(key);
  if (size == key.size()) {
    std::memcpy(key.data(), content.data(), key.size());
    return std::make_unique<IdentityCrypto>(key);
  }
  if (size > 0 && content[size - 1] == '\n') --size;
  if (size > 0 && content[size - 1] == '\r') --size;
  std::size_t decoded = 0;
  const char* end = nullptr;
  if (size == 2 * key.size() &&
      sodium_hex2bin(key.data(), key.size(), content.data(), size, nullptr, &decoded, &end) == 0 &&
      decoded == key.size() && end == content.data() + size) {
    return std::make_unique<IdentityCrypto>(key);
  }
  throw ConfigError(option + ": '" + resolved +
                    "' must hold exactly 32 bytes, or 64 hexadecimal characters (make one with: "
                    "head -c 32 /dev/urandom > FILE)");
}

std::unique_ptr<IdentityCrypto> load_identity_crypto(const IdentityOptions& options) {
  if (options.key_file.empty()) return nullptr;
  return load_identity_key_file(options.key_file, "identity.key_file");
}

}  // namespace valtuus
