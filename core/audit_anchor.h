// Anchors of the audit trail kept outside the database: the sequence number and hash of an
// event seen earlier. The hash chain alone cannot tell a trail whose newest events were removed,
// or that was rewritten and chained again by a superuser, from an intact one; an anchor can.
// One anchor per line, "EVENT_ID SHA256_HEX [comment...]"; '#' starts a comment line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace valtuus {

struct AuditAnchor {
  std::size_t line = 0;
  long long event = 0;
  std::string hash;  // 64 lowercase hex digits
};

// The audit trail's newest event, as an anchor is taken of it.
struct AuditHead {
  long long event = 0;
  std::string hash;  // hex
  std::string at;    // when the anchor was taken, UTC, ISO 8601
};

struct AnchorProblem {
  std::size_t line = 0;
  std::string message;
};

struct AnchorFile {
  std::vector<AuditAnchor> anchors;
  std::vector<AnchorProblem> problems;  // every bad line; anchors is empty when there are any
};

AnchorFile parse_audit_anchors(std::string_view text);

// The line `valtuusctl audit anchor` prints: "EVENT_ID HASH AT", AT being when it was taken.
std::string format_audit_anchor(long long event, const std::string& hash, const std::string& at);

// What the database holds for an anchored event, and the problem with it ("" when it matches).
// `found`: the event exists; `newest`: the highest event id (0 when the trail is empty).
std::string check_audit_anchor(const AuditAnchor& anchor, bool found, const std::string& hash,
                               long long newest);

}  // namespace valtuus
