// The text of one notification mail (RFC 5322 with MIME, UTF-8), built without any I/O so that
// header injection and encoding are unit-tested. The SMTP transport sends exactly this text.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace valtuus {

struct MailContent {
  std::string from;             // one address, e.g. valtuus@kunta.fi
  std::vector<std::string> to;  // at least one address
  std::string subject;          // UTF-8; may be empty
  std::string body;             // UTF-8 plain text; "\n" or "\r\n" line ends
  std::string idempotency_key;  // the outbox row's key: Message-ID <key@valtuus>
  std::chrono::system_clock::time_point date;
};

// True for a bare mail address we are willing to put in a header and an SMTP command:
// local@domain, printable ASCII without white space, control characters, or any of
// <>()[],;:\" and at most 254 characters. (No display names, no quoted local parts.)
bool valid_mail_address(std::string_view address);

// The whole message, lines ending in CRLF: Date, From, To, Subject, Message-ID, MIME-Version,
// Content-Type (text/plain; charset=UTF-8), Content-Transfer-Encoding (quoted-printable),
// Auto-Submitted, then the body. Throws DataError naming the field when an address is invalid
// (a CR or LF in an address is refused, never folded), the key is empty, or there is no
// recipient or no valid UTF-8 in the subject or body. CR, LF and other control characters in
// the subject are turned into spaces.
std::string format_mail(const MailContent& mail);

// Pieces, exposed for tests.
// "Tue, 24 Nov 2026 23:45:22 +0000"
std::string rfc5322_date(std::chrono::system_clock::time_point time);
// <key@valtuus>, with characters a msg-id may not hold written as =XX (and '=' itself as =3D).
std::string message_id(std::string_view idempotency_key);
// The Subject header's value: as it is when printable ASCII, else RFC 2047 encoded words
// (=?UTF-8?B?...?=), none longer than 75 characters and none splitting a UTF-8 sequence,
// folded onto continuation lines. Control characters become spaces.
std::string encode_subject(std::string_view subject);
// Quoted-printable (RFC 2045) of UTF-8 text, lines ending in CRLF, none longer than 76.
std::string quoted_printable(std::string_view text);

}  // namespace valtuus
