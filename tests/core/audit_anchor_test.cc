#include "core/audit_anchor.h"

#include <gtest/gtest.h>

namespace valtuus {
namespace {

const std::string kHash(64, 'a');

TEST(AuditAnchor, ReadsOneAnchorPerLineWithCommentsAndWhatAnchorPrints) {
  const AnchorFile file = parse_audit_anchors("# kept by the auditor\n\n" +
                                              format_audit_anchor(12, kHash, "2026-01-01T00:00Z") +
                                              "\r\n40 " + std::string(64, 'B') + "\n");
  ASSERT_TRUE(file.problems.empty()) << file.problems[0].message;
  ASSERT_EQ(file.anchors.size(), 2u);
  EXPECT_EQ(file.anchors[0].line, 3u);
  EXPECT_EQ(file.anchors[0].event, 12);
  EXPECT_EQ(file.anchors[0].hash, kHash);
  EXPECT_EQ(file.anchors[1].hash, std::string(64, 'b'));  // compared ignoring case
}

TEST(AuditAnchor, EveryBadLineIsReportedAndNothingIsUsed) {
  const AnchorFile file =
      parse_audit_anchors("12 " + kHash + "\nx12 " + kHash + "\n13 abc\n0 " + kHash + "\n");
  EXPECT_TRUE(file.anchors.empty());
  ASSERT_EQ(file.problems.size(), 3u);
  EXPECT_EQ(file.problems[0].line, 2u);
  EXPECT_NE(file.problems[0].message.find("not an event id"), std::string::npos);
  EXPECT_NE(file.problems[1].message.find("64 hexadecimal digits"), std::string::npos);
  EXPECT_EQ(file.problems[2].line, 4u);
  EXPECT_NE(parse_audit_anchors("# nothing\n").problems.at(0).message.find("no anchor"),
            std::string::npos);
}

TEST(AuditAnchor, AMissingTailAGoneEventAndARewrittenOneAreToldApart) {
  const AuditAnchor anchor{1, 12, kHash};
  EXPECT_EQ(check_audit_anchor(anchor, true, std::string(64, 'A'), 20), "");
  EXPECT_NE(check_audit_anchor(anchor, false, "", 11).find("events were removed from its end"),
            std::string::npos);
  EXPECT_NE(check_audit_anchor(anchor, false, "", 20).find("is gone"), std::string::npos);
  EXPECT_NE(check_audit_anchor(anchor, true, std::string(64, 'c'), 20).find("rewritten"),
            std::string::npos);
}

}  // namespace
}  // namespace valtuus
