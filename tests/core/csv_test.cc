#include "core/csv.h"

#include <gtest/gtest.h>

#include <sstream>

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

// The streamed reader cuts the file into chunks at line breaks outside quotes: whatever the
// chunk size, it must give what the whole-text parser gives, errors included.
TEST(Csv, ReadingAChunkAtATimeGivesTheSameRecordsAndErrors) {
  const std::vector<std::string> texts = {
      "\xEF\xBB\xBF"
      "a,b\r\n\"x\r\ny\",\"say \"\"hei\"\"\"\r\n\r\n\"\"\"\n\",z\nlast,1",
      "a,b\n\nc,\"open\nmore\n",         // a quote never closed
      "a,b\nc,d\"e\nf,g\n",              // a stray quote
      "h\n\"q\"x,y\nz\n",                // text after a closing quote
      "account,note\nx,\xC5str\xF6m\n",  // not UTF-8
      "a\rb\rc\r\nd\n",                  // lone CRs
  };
  for (const std::string& text : texts) {
    const CsvResult whole = parse_csv(text);
    for (std::size_t chunk : {1u, 2u, 3u, 5u, 8u, 64u}) {
      std::istringstream in(text);
      std::vector<CsvRecord> records;
      const std::optional<CsvError> error = read_csv(
          in,
          [&](CsvRecord& record) {
            records.push_back(record);
            return true;
          },
          chunk);
      ASSERT_EQ(error.has_value(), whole.error.has_value()) << text << " chunk " << chunk;
      if (error) {
        EXPECT_EQ(error->line, whole.error->line) << text << " chunk " << chunk;
        EXPECT_EQ(error->column, whole.error->column) << text << " chunk " << chunk;
        EXPECT_EQ(error->message, whole.error->message);
        continue;
      }
      ASSERT_EQ(records.size(), whole.records.size()) << text << " chunk " << chunk;
      for (std::size_t i = 0; i < records.size(); ++i) {
        EXPECT_EQ(records[i].line, whole.records[i].line) << text << " chunk " << chunk;
        EXPECT_EQ(records[i].fields, whole.records[i].fields) << text << " chunk " << chunk;
      }
    }
  }
}

TEST(Csv, StreamedReadingStopsWhenAsked) {
  std::istringstream in("a\nb\nc\n");
  int seen = 0;
  EXPECT_FALSE(read_csv(
      in, [&](CsvRecord&) { return ++seen < 2; }, 1));
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace valtuus
