#include "notify/mail_format.h"

#include <fmt/format.h>

#include <ctime>

#include "core/errors.h"

namespace valtuus {

namespace {

constexpr std::string_view kHex = "0123456789ABCDEF";

bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
    } else {
      return false;
    }
    if (extra > 0 && i + extra >= text.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

// Length of the UTF-8 sequence starting with `lead` (1 for anything unexpected).
std::size_t sequence_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

std::string base64(std::string_view data) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                       (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

void require_address(std::string_view address, const char* field) {
  if (!valid_mail_address(address)) {
    std::string shown;
    for (char c : address.substr(0, 80)) {
      shown += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? '?' : c;
    }
    throw DataError(fmt::format("mail {}: '{}' is not a valid mail address", field, shown));
  }
}

}  // namespace

bool valid_mail_address(std::string_view address) {
  if (address.empty() || address.size() > 254) return false;
  const std::size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return false;
  if (address.find('@', at + 1) != std::string_view::npos) return false;
  if (at > 64) return false;
  for (char ch : address) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F) return false;
    if (std::string_view("<>()[],;:\\\"").find(ch) != std::string_view::npos) return false;
  }
  const std::string_view domain = address.substr(at + 1);
  if (domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return false;
  }
  return true;
}

std::string rfc5322_date(std::chrono::system_clock::time_point time) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string message_id(std::string_view key) {
  // atext of RFC 5322 less '=' (our escape character); '.' only between other characters.
  static constexpr std::string_view kAllowed = "!#$%&'*+-/?^_`{|}~.";
  std::string left;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    bool ok = alnum || (c < 0x80 && kAllowed.find(static_cast<char>(c)) != std::string_view::npos);
    if (c == '.' && (i == 0 || i + 1 == key.size() || key[i + 1] == '.')) ok = false;
    if (ok) {
      left += static_cast<char>(c);
    } else {
      left += '=';
      left += kHex[c >> 4];
      left += kHex[c & 15];
    }
  }
  return "<" + left + "@valtuus>";
}

std::string encode_subject(std::string_view subject) {
  std::string clean;
  bool ascii = true;
  for (char ch : subject) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) {
      clean += ' ';  // CR, LF, TAB and the rest: never a new header line
    } else {
      if (c >= 0x80) ascii = false;
      clean += ch;
    }
  }
  // "=?" in a plain subject would be read as the start of an encoded word: encode those too.
  if (ascii && clean.size() <= 900 && clean.find("=?") == std::string::npos) return clean;
  // Encoded words of at most 75 characters: "=?UTF-8?B?" + base64 + "?=" leaves 63 base64
  // characters, i.e. 45 bytes of text (a multiple of 3, so no padding in the middle).
  constexpr std::size_t kMaxBytes = 45;
  std::string out;
  std::size_t i = 0;
  while (i < clean.size()) {
    std::size_t end = i;
    while (end < clean.size()) {
      const std::size_t len = sequence_length(static_cast<unsigned char>(clean[end]));
      if (end + len - i > kMaxBytes) break;
      end += len;
    }
    if (end == i) end = std::min(clean.size(), i + 1);  // cannot happen with valid UTF-8
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(std::string_view(clean).substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string quoted_printable(std::string_view text) {
  std::string out;
  std::size_t line_length = 0;
  auto emit = [&](std::string_view piece) {
    if (line_length + piece.size() > 75) {  // 75 + the soft break's '=' = 76
      out += "=\r\n";
      line_length = 0;
    }
    out += piece;
    line_length += piece.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;  // CRLF: the LF ends it
    if (c == '\n') {
      out += "\r\n";
      line_length = 0;
      continue;
    }
    const bool at_line_end = i + 1 == text.size() || text[i + 1] == '\n' ||
                             (text[i + 1] == '\r' && i + 2 < text.size() && text[i + 2] == '\n');
    const bool literal = (c >= 33 && c <= 126 && c != '=' && !(c == '.' && line_length == 0)) ||
                         ((c == ' ' || c == '\t') && !at_line_end);
    if (literal) {
      const char s[1] = {static_cast<char>(c)};
      emit(std::string_view(s, 1));
    } else {
      const char s[3] = {'=', kHex[c >> 4], kHex[c & 15]};
      emit(std::string_view(s, 3));
    }
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

std::string format_mail(const MailContent& mail) {
  require_address(mail.from, "From");
  if (mail.to.empty()) throw DataError("mail To: no recipient");
  for (const std::string& to : mail.to) require_address(to, "To");
  if (mail.idempotency_key.empty()) throw DataError("mail Message-ID: no idempotency key");
  if (!valid_utf8(mail.subject)) throw DataError("mail Subject: not valid UTF-8");
  if (!valid_utf8(mail.body)) throw DataError("mail body: not valid UTF-8");
  std::string to_line;
  for (const std::string& to : mail.to) to_line += (to_line.empty() ? "" : ",\r\n ") + to;
  std::string out;
  out += "Date: " + rfc5322_date(mail.date) + "\r\n";
  out += "From: " + mail.from + "\r\n";
  out += "To: " + to_line + "\r\n";
  out += "Subject: " + encode_subject(mail.subject) + "\r\n";
  out += "Message-ID: " + message_id(mail.idempotency_key) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: quoted-printable\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  out += quoted_printable(mail.body);
  return out;
}

}  // namespace valtuus
