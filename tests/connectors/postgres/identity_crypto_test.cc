// The key file and the sealing of identity codes: sizes accepted and refused (naming the
// option), a sealed code opens only with its key and for its employee, and the keyed hash.
#include "common/identity_crypto.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "tests/support/test_env.h"

namespace valtuus {
namespace {

using testing::scratch_dir;
using testing::write_file;

std::unique_ptr<IdentityCrypto> key_of(char byte) {
  std::array<unsigned char, IdentityCrypto::kKeyBytes> key{};
  key.fill(static_cast<unsigned char>(byte));
  return std::make_unique<IdentityCrypto>(key);
}

std::string config_error(const std::string& path) {
  try {
    load_identity_key_file(path, "identity.key_file");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(IdentityCryptoTest, SealedCodeOpensOnlyWithItsKeyAndForItsEmployee) {
  const auto crypto = key_of('k');
  const SealedIdentityCode sealed = crypto->seal("key-1", "131052-308T");
  EXPECT_EQ(sealed.nonce.size(), 24u);
  const std::string text(sealed.ciphertext.begin(), sealed.ciphertext.end());
  EXPECT_EQ(text.find("131052"), std::string::npos);
  EXPECT_EQ(crypto->open("key-1", sealed), "131052-308T");
  EXPECT_THROW(crypto->open("key-2", sealed), DataError);  // copied onto another person's row
  EXPECT_THROW(crypto->open("key-", sealed), DataError);
  EXPECT_THROW(key_of('o')->open("key-1", sealed), DataError);
  SealedIdentityCode tampered = sealed;
  tampered.ciphertext.back() ^= 1;
  EXPECT_THROW(crypto->open("key-1", tampered), DataError);
  // A fresh nonce each time: the same code never seals to the same bytes.
  EXPECT_NE(crypto->seal("key-1", "131052-308T").ciphertext, sealed.ciphertext);
}

TEST(IdentityCryptoTest, MatchHashIsStableAndKeyed) {
  const auto crypto = key_of('k');
  EXPECT_EQ(crypto->match_hash("131052-308T"), crypto->match_hash("131052-308T"));
  EXPECT_EQ(crypto->match_hash("131052-308T").size(), 32u);
  EXPECT_NE(crypto->match_hash("131052-308T"), crypto->match_hash("010594Y9032"));
  EXPECT_NE(crypto->match_hash("131052-308T"), key_of('o')->match_hash("131052-308T"));
}

TEST(IdentityCryptoTest, KeyFileIs32BytesOr64HexCharacters) {
  const std::string dir = scratch_dir("identity-key");
  // A raw key whose last byte is a newline is still 32 bytes: nothing is trimmed from it.
  std::string raw(31, '\x01');
  raw.push_back('\n');
  write_file(dir + "/raw", raw);
  write_file(dir + "/hex", std::string(64, 'f') + "\n");
  const auto from_raw = load_identity_key_file(dir + "/raw", "identity.key_file");
  const auto from_hex = load_identity_key_file(dir + "/hex", "identity.key_file");
  ASSERT_TRUE(from_raw && from_hex);
  EXPECT_EQ(from_hex->open("k", key_of('\xff')->seal("k", "131052-308T")), "131052-308T");
  for (const auto& [name, content] : {std::pair{"short", std::string(31, 'x')},
                                      {"long", std::string(33, 'x')},
                                      {"nothex", std::string(64, 'g')},
                                      {"hex63", std::string(63, 'a')}}) {
    write_file(dir + "/" + name, content);
    const std::string error = config_error(dir + "/" + name);
    EXPECT_NE(error.find("identity.key_file"), std::string::npos) << name << ": " << error;
    EXPECT_NE(error.find("32 bytes"), std::string::npos) << error;
  }
  EXPECT_NE(config_error(dir + "/missing").find("identity.key_file: cannot read"),
            std::string::npos);
  EXPECT_EQ(load_identity_crypto(IdentityOptions{}), nullptr);
}

}  // namespace
}  // namespace valtuus
