// Error texts from libcurl never carry credentials.
#include "notify/curl_handle.h"

#include <gtest/gtest.h>

namespace valtuus {
namespace {

TEST(ScrubCredentials, RemovesUserinfoFromUrls) {
  EXPECT_EQ(scrub_credentials("Failed to connect to smtp://valtuus:s3cret@mail.example:587/ x"),
            "Failed to connect to smtp://mail.example:587/ x");
  EXPECT_EQ(scrub_credentials("https://user:p@ss@hook.example?a=b"), "https://hook.example?a=b");
  EXPECT_EQ(scrub_credentials("a smtps://u@h and https://x:y@z/p"), "a smtps://h and https://z/p");
  EXPECT_EQ(scrub_credentials("no url here: user@host"), "no url here: user@host");
  EXPECT_EQ(scrub_credentials("ends with smtp://u:p@"), "ends with smtp://");
}

TEST(ScrubCredentials, RemovesEverySecretWherever_it_appears) {
  EXPECT_EQ(scrub_credentials("login hunter2 failed, hunter2!", {"hunter2", ""}),
            "login *** failed, ***!");
  EXPECT_EQ(scrub_credentials("aaaa", {"aa"}), "******");
}

TEST(CurlEasy, ErrorTextOfAFailedTransferNamesNoPassword) {
  CurlTimeouts timeouts;
  timeouts.connect = std::chrono::milliseconds{500};
  timeouts.total = std::chrono::milliseconds{1000};
  CurlEasy easy(timeouts, {"topsecret"});
  // Port 1 on loopback: nothing listens; the URL carries credentials on purpose.
  ASSERT_EQ(curl_easy_setopt(easy.get(), CURLOPT_URL, "https://me:topsecret@127.0.0.1:1/"),
            CURLE_OK);
  const CURLcode code = easy.perform();
  ASSERT_NE(code, CURLE_OK);
  const std::string text = easy.error_text(code);
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(text.find("topsecret"), std::string::npos) << text;
  EXPECT_EQ(text.find("me:"), std::string::npos) << text;
}

TEST(CurlList, OwnsItsStrings) {
  CurlList list;
  EXPECT_EQ(list.get(), nullptr);
  std::string header = "X-A: 1";
  list.append(header);
  list.append("X-B: 2");
  header = "changed";
  ASSERT_NE(list.get(), nullptr);
  EXPECT_STREQ(list.get()->data, "X-A: 1");
  ASSERT_NE(list.get()->next, nullptr);
  EXPECT_STREQ(list.get()->next->data, "X-B: 2");
}

}  // namespace
}  // namespace valtuus
