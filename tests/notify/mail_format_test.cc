// The mail text: headers that cannot be injected into, encodings a mail reader decodes back.
#include "notify/mail_format.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace valtuus {
namespace {

MailContent sample() {
  MailContent mail;
  mail.from = "valtuus@kunta.example";
  mail.to = {"reviewers@kunta.example"};
  mail.subject = "3 new items";
  mail.body = "Hello\nsee valtuusctl changes list\n";
  mail.idempotency_key = "valtuus.abc123.run_items.42";
  mail.date = std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + std::chrono::hours{23} +
              std::chrono::minutes{45} + std::chrono::seconds{22};
  return mail;
}

// The header block (up to the blank line), unfolded.
std::string headers_of(const std::string& text) {
  std::string head = text.substr(0, text.find("\r\n\r\n") + 2);
  std::string out;
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (head.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    out += head[i];
  }
  return out;
}

std::string decode_base64(std::string_view in) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    buffer = (buffer << 6) | static_cast<unsigned>(kAlphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// Decodes a Subject value made of =?UTF-8?B?...?= words separated by folding white space.
std::string decode_subject(const std::string& value) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const std::size_t start = pos + 10;
    const std::size_t end = value.find("?=", start);
    out += decode_base64(std::string_view(value).substr(start, end - start));
    pos = end + 2;
  }
  return out;
}

std::string decode_qp(const std::string& body) {
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '=' && body.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;
    } else if (body[i] == '=') {
      out += static_cast<char>(std::stoi(body.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += body[i];
    }
  }
  return out;
}

TEST(MailFormat, HasTheHeadersInOrderAndCrlfLineEnds) {
  const std::string text = format_mail(sample());
  EXPECT_EQ(headers_of(text),
            "Date: Tue, 24 Nov 2026 23:45:22 +0000\r\n"
            "From: valtuus@kunta.example\r\n"
            "To: reviewers@kunta.example\r\n"
            "Subject: 3 new items\r\n"
            "Message-ID: <valtuus.abc123.run_items.42@valtuus>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "Auto-Submitted: auto-generated\r\n");
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ASSERT_GT(i, 0u);
      EXPECT_EQ(text[i - 1], '\r') << "bare LF at " << i;
    }
  }
  EXPECT_NE(text.find("\r\n\r\nHello\r\nsee valtuusctl changes list\r\n"), std::string::npos);
}

TEST(MailFormat, SubjectWithLineBreaksCannotAddAHeader) {
  MailContent mail = sample();
  mail.subject = "Hello\r\nBcc: attacker@evil.example\nX-Injected: 1";
  const std::string headers = headers_of(format_mail(mail));
  EXPECT_EQ(headers.find("\r\nBcc:"), std::string::npos);
  EXPECT_EQ(headers.find("\r\nX-Injected:"), std::string::npos);
  EXPECT_NE(headers.find("Subject: Hello  Bcc: attacker@evil.example X-Injected: 1\r\n"),
            std::string::npos);
}

TEST(MailFormat, AddressesWithLineBreaksOrDisplayPartsAreRefused) {
  for (const std::string bad :
       {"a@b.example\r\nBcc: x@evil.example", "a@b.example\n", "a b@c.example",
        "Name <a@b.example>", "a@b.example,c@d.example", "no-at-sign", "@b.example", "a@",
        "a@@b.example", "a@b..example", "\xC3\xA4@b.example"}) {
    EXPECT_FALSE(valid_mail_address(bad)) << bad;
    MailContent to_bad = sample();
    to_bad.to = {"ok@kunta.example", bad};
    EXPECT_THROW(format_mail(to_bad), DataError) << bad;
    MailContent from_bad = sample();
    from_bad.from = bad;
    EXPECT_THROW(format_mail(from_bad), DataError) << bad;
  }
  EXPECT_TRUE(valid_mail_address("matti.makinen+valtuus@kunta.example"));
}

TEST(MailFormat, RefusesNoRecipientNoKeyAndInvalidUtf8) {
  MailContent mail = sample();
  mail.to.clear();
  EXPECT_THROW(format_mail(mail), DataError);
  mail = sample();
  mail.idempotency_key.clear();
  EXPECT_THROW(format_mail(mail), DataError);
  mail = sample();
  mail.body = "broken \xC3";
  EXPECT_THROW(format_mail(mail), DataError);
  mail = sample();
  mail.subject = "broken \xFF";
  EXPECT_THROW(format_mail(mail), DataError);
}

TEST(MailFormat, NonAsciiSubjectIsEncodedInShortWordsThatDecodeBack) {
  const std::string subject =
      "Valtuus käytössä: Etuustietojen katselu ja maksuvaatimusten rekisteröinti – Åsa Åström";
  const std::string encoded = encode_subject(subject);
  EXPECT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u);
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = encoded.find("\r\n ", start);
    const std::string line = encoded.substr(start, end - start);
    EXPECT_LE(line.size(), 75u) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos);
    if (end == std::string::npos) break;
    start = end + 3;
  }
  EXPECT_EQ(decode_subject(encoded), subject);
  // Each word alone is valid UTF-8: no sequence split across two words.
  std::size_t pos = 0;
  while ((pos = encoded.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const std::size_t end = encoded.find("?=", pos + 10);
    const std::string piece =
        decode_base64(std::string_view(encoded).substr(pos + 10, end - pos - 10));
    MailContent mail = sample();
    mail.subject = piece;
    EXPECT_NO_THROW(format_mail(mail)) << "a word splits a UTF-8 sequence";
    pos = end;
  }
}

TEST(MailFormat, AsciiLookingLikeAnEncodedWordIsEncoded) {
  EXPECT_EQ(decode_subject(encode_subject("=?UTF-8?B?SGk=?=")), "=?UTF-8?B?SGk=?=");
}

TEST(MailFormat, BodyIsQuotedPrintableWithShortLinesThatDecodeBack) {
  const std::string body =
      "Hei Åsa,\n\nvaltuus \"Etuustietojen katselu\" on nyt käytössä. Käsittelyaika noin 3 "
      "päivää; tämä rivi on tarkoituksella pitkä, jotta se jaetaan pehmeillä rivinvaihdoilla.\n"
      ".\nloppu = 100 % \nrivi\r\nwindows\n";
  const std::string encoded = quoted_printable(body);
  std::size_t start = 0;
  while (start < encoded.size()) {
    const std::size_t end = encoded.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 76u);
    const std::string line = encoded.substr(start, end - start);
    EXPECT_NE(line, ".") << "a lone dot would end the SMTP DATA";
    if (!line.empty()) {
      EXPECT_NE(line.back(), ' ') << "trailing space is lost in transport";
    }
    for (char c : line) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
    start = end + 2;
  }
  std::string expected;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r') continue;
    if (body[i] == '\n') {
      expected += "\r\n";
    } else {
      expected += body[i];
    }
  }
  EXPECT_EQ(decode_qp(encoded), expected);
}

TEST(MailFormat, MessageIdKeepsSafeKeysAndEscapesTheRest) {
  EXPECT_EQ(message_id("valtuus.abc.grant_done.7.employee"),
            "<valtuus.abc.grant_done.7.employee@valtuus>");
  EXPECT_EQ(message_id("a b>c@d=e"), "<a=20b=3Ec=40d=3De@valtuus>");
  EXPECT_EQ(message_id(".x..y."), "<=2Ex=2E.y=2E@valtuus>");
  EXPECT_NE(message_id("a=20"), message_id("a b"));  // the escape itself is escaped
}

TEST(MailFormat, DateIsRfc5322InUtc) {
  EXPECT_EQ(rfc5322_date(std::chrono::sys_days{std::chrono::year{2024} / 2 / 29}),
            "Thu, 29 Feb 2024 00:00:00 +0000");
}

}  // namespace
}  // namespace valtuus
