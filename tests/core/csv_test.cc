#include "core/csv.h"

#include <gtest/gtest.h>

namespace valtuus {
namespace {

using Fields = std::vector<std::string>;

TEST(Csv, ReadsPlainRecordsWithTheirLineNumbers) {
  CsvResult r = parse_csv("a,b,c\n1,2,3\n");
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(r.records[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(r.records[0].line, 1u);
  EXPECT_EQ(r.records[1].line, 2u);
}

TEST(Csv, AcceptsCrLfLfAndNoFinalLineBreak) {
  for (const char* text : {"a,b\r\nc,d\r\n", "a,b\nc,d", "a,b\r\nc,d"}) {
    CsvResult r = parse_csv(text);
    ASSERT_FALSE(r.error) << text;
    ASSERT_EQ(r.records.size(), 2u) << text;
    EXPECT_EQ(r.records[1].fields, (Fields{"c", "d"})) << text;
    EXPECT_EQ(r.records[1].line, 2u);
  }
}

TEST(Csv, QuotedFieldsHoldCommasDoubledQuotesAndLineBreaks) {
  CsvResult r = parse_csv("x,\"a, b\",\"say \"\"hei\"\"\"\r\n\"two\r\nlines\",,\"\"\nnext,1,2\n");
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].fields, (Fields{"x", "a, b", "say \"hei\""}));
  EXPECT_EQ(r.records[1].fields, (Fields{"two\nlines", "", ""}));
  EXPECT_EQ(r.records[1].line, 2u);
  EXPECT_EQ(r.records[2].line, 4u);  // the quoted line break counts
}

TEST(Csv, SkipsTheUtf8ByteOrderMarkAndKeepsNordicLetters) {
  CsvResult r = parse_csv(
      "\xEF\xBB\xBF"
      "account,note\nåsa,Öhman Ä\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.records[0].fields, (Fields{"account", "note"}));
  EXPECT_EQ(r.records[1].fields, (Fields{"åsa", "Öhman Ä"}));
}

TEST(Csv, EmptyLinesAreRecordsButAFinalLineBreakIsNot) {
  CsvResult r = parse_csv("a\n\nb\n");
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[1].fields, (Fields{""}));
  EXPECT_TRUE(parse_csv("").records.empty());
}

TEST(Csv, UnterminatedQuoteIsReportedWhereItOpens) {
  CsvResult r = parse_csv("a,b\nc,\"open\nmore\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->line, 2u);
  EXPECT_EQ(r.error->column, 3u);
  EXPECT_NE(r.error->message.find("never closed"), std::string::npos);
}

TEST(Csv, StrayQuotesAreReportedWithLineAndColumn) {
  CsvResult inside = parse_csv("a,b\nÄö,x\"y\n");
  ASSERT_TRUE(inside.error);
  EXPECT_EQ(inside.error->line, 2u);
  EXPECT_EQ(inside.error->column, 5u);  // characters, not bytes: Ä and ö are one column each
  CsvResult after = parse_csv("\"a\"b,c\n");
  ASSERT_TRUE(after.error);
  EXPECT_EQ(after.error->line, 1u);
  EXPECT_EQ(after.error->column, 4u);
}

TEST(Csv, RefusesTextThatIsNotUtf8WithoutQuotingIt) {
  CsvResult r = parse_csv("account,note\nx,\xC5str\xF6m\n");  // Latin-1 "Åström"
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->line, 2u);
  EXPECT_EQ(r.error->column, 3u);
  EXPECT_NE(r.error->message.find("CSV UTF-8"), std::string::npos);
  EXPECT_EQ(r.error->message.find("str"), std::string::npos);
}

}  // namespace
}  // namespace valtuus
