#include "core/grant_import.h"

#include <gtest/gtest.h>

#include <sstream>

namespace valtuus {
namespace {

using namespace std::chrono;

const std::set<std::string> kCatalog = {"kela-etuustiedot", "te-tyonhakija", "vero-veroasiat"};
constexpr year_month_day kImportDay{year{2025}, month{3}, day{1}};

GrantImport read(const std::string& text) {
  return read_grant_csv(text, kCatalog, kImportDay);
}

std::string problems(const GrantImport& result) {
  std::string text;
  for (const auto& p : result.problems) text += format_problem("f.csv", p) + "\n";
  return text;
}

TEST(GrantImport, ReadsValidRowsTrimmedInAnyColumnOrder) {
  GrantImport r = read(
      "Mandate, ACCOUNT ,valid_from,valid_until,note,granted_by\r\n"
      " kela-etuustiedot ,MMakinen,2024-01-15,2026-01-14,\"Åsa: ÄÖ, ok\",Päivi Pääkäyttäjä\r\n"
      "te-tyonhakija,aastrom,2024-02-29,2029-02-28,,\r\n"
      "\r\n");
  ASSERT_TRUE(r.problems.empty()) << problems(r);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].line, 2u);
  EXPECT_EQ(r.records[0].account, "MMakinen");
  EXPECT_EQ(r.records[0].mandate, "kela-etuustiedot");
  EXPECT_EQ(format_iso_date(r.records[0].valid_from), "2024-01-15");
  EXPECT_EQ(r.records[0].note, "Åsa: ÄÖ, ok");
  EXPECT_EQ(r.records[0].granted_by, "Päivi Pääkäyttäjä");
  EXPECT_EQ(format_iso_date(r.records[1].valid_until), "2029-02-28");
  EXPECT_FALSE(r.has_identity_code_column);
}

TEST(GrantImport, EveryBadRowIsReportedWithLineAndColumnAndNothingIsKept) {
  GrantImport r = read(
      "account,mandate,valid_from,valid_until\n"
      "mmakinen,kela-etuustiedot,2024-01-15,2026-01-14\n"
      "aastrom,te-tyonhakija,2023-02-29,2026-01-14\n"
      "johman,kela-tukitiedot,2024-01-15,2026-01-14\n"
      ",vero-veroasiat,2024-01-15,2026-01-14\n");
  EXPECT_TRUE(r.records.empty());
  EXPECT_EQ(problems(r),
            "f.csv:3: valid_from: '2023-02-29' is not a date YYYY-MM-DD\n"
            "f.csv:4: mandate: unknown mandate 'kela-tukitiedot'\n"
            "f.csv:5: account: missing\n");
}

TEST(GrantImport, HeaderNeedsTheRequiredColumnsAndNamesUnknownOnes) {
  GrantImport r = read(
      "account,mandtae,valid_from,valid_until\nx,kela-etuustiedot,2024-01-01,"
      "2025-06-01\n");
  ASSERT_EQ(r.problems.size(), 2u) << problems(r);
  EXPECT_NE(problems(r).find("f.csv:1: header: unknown column(s) 'mandtae'"), std::string::npos);
  EXPECT_NE(problems(r).find("f.csv:1: header: missing required column(s) mandate"),
            std::string::npos);
  EXPECT_NE(read("").problems.at(0).message.find("no header row"), std::string::npos);
  EXPECT_NE(
      read("account;mandate;valid_from;valid_until\n").problems.at(0).message.find("semicolons"),
      std::string::npos);
  EXPECT_NE(problems(read("account,account,mandate,valid_from,valid_until\n")).find("twice"),
            std::string::npos);
}

TEST(GrantImport, DatesMustBeRealOrderedAndAtMost25YearsApart) {
  const std::string header = "account,mandate,valid_from,valid_until\n";
  EXPECT_EQ(problems(read(header + "a,vero-veroasiat,2024-04-31,2026-01-01\n")),
            "f.csv:2: valid_from: '2024-04-31' is not a date YYYY-MM-DD\n");
  EXPECT_EQ(problems(read(header + "a,vero-veroasiat,15.1.2024,\n")),
            "f.csv:2: valid_from: '15.1.2024' is not a date YYYY-MM-DD\n"
            "f.csv:2: valid_until: missing (YYYY-MM-DD)\n");
  EXPECT_EQ(problems(read(header + "a,vero-veroasiat,2025-01-01,2025-01-01\n")),
            "f.csv:2: valid_until: must be after valid_from (2025-01-01)\n");
  // 9131 days is allowed, one more is not.
  EXPECT_TRUE(read(header + "a,vero-veroasiat,2025-01-01,2050-01-01\n").problems.empty());
  EXPECT_NE(problems(read(header + "a,vero-veroasiat,2025-01-01,2050-01-02\n")).find("25 years"),
            std::string::npos);
  EXPECT_TRUE(read(header + "a,vero-veroasiat,2020-01-01,2025-03-01\n").problems.empty());
}

// A spreadsheet keeps grants that have ended; they are history, not an error that would
// refuse the rows still held.
TEST(GrantImport, RowsThatAlreadyEndedAreSkippedWithAWarningAndTheRestKept) {
  GrantImport r = read(
      "account,mandate,valid_from,valid_until\n"
      "a,vero-veroasiat,2020-01-01,2025-02-28\n"
      "b,vero-veroasiat,2024-01-01,2026-01-01\n"
      "a,vero-veroasiat,2025-01-01,2027-01-01\n");
  EXPECT_TRUE(r.problems.empty()) << problems(r);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].account, "b");
  EXPECT_EQ(r.records[1].line, 4u);  // the same grant given again later is no duplicate
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(format_problem("f.csv", r.warnings[0]),
            "f.csv:2: valid_until: ended on 2025-02-28; not held any more, so skipped");
  // A bad row still refuses the file; the warning is kept for the listing.
  GrantImport bad = read(
      "account,mandate,valid_from,valid_until\n"
      "a,vero-veroasiat,2020-01-01,2025-02-28\n"
      "b,vero-veroasiat,2024-01-01,2024-01-01\n");
  EXPECT_TRUE(bad.records.empty());
  EXPECT_EQ(bad.problems.size(), 1u);
  EXPECT_EQ(bad.warnings.size(), 1u);
}

TEST(GrantImport, DuplicateAccountAndMandateIgnoringCaseIsReported) {
  GrantImport r = read(
      "account,mandate,valid_from,valid_until\n"
      "mmakinen,vero-veroasiat,2024-01-01,2026-01-01\n"
      "aastrom,vero-veroasiat,2024-01-01,2026-01-01\n"
      "MMAKINEN,vero-veroasiat,2024-06-01,2026-06-01\n");
  EXPECT_EQ(problems(r),
            "f.csv:4: mandate: account 'MMAKINEN' has 'vero-veroasiat' already on line 2\n");
}

TEST(GrantImport, UnknownMandateSuggestsTheCatalogSpelling) {
  EXPECT_NE(problems(read("account,mandate,valid_from,valid_until\n"
                          "a,Kela-Etuustiedot,2024-01-01,2026-01-01\n"))
                .find("did you mean 'kela-etuustiedot'"),
            std::string::npos);
}

TEST(GrantImport, RowsWithTheWrongNumberOfFieldsOrEmptyInTheMiddleAreReported) {
  EXPECT_EQ(problems(read("account,mandate,valid_from,valid_until\n"
                          "a,vero-veroasiat,2024-01-01\n"
                          ",,,\n"
                          "b,vero-veroasiat,2024-01-01,2026-01-01\n"
                          ",,,\n\n")),
            "f.csv:2: row: has 3 fields; the header has 4 (a comma inside a value needs quotes)\n"
            "f.csv:3: row: an empty row; remove it\n");
}

TEST(GrantImport, CsvSyntaxErrorsCarryLineAndColumn) {
  EXPECT_EQ(problems(read("account,mandate,valid_from,valid_until\na,\"b,c,d\n")),
            "f.csv:2:3: the quote opened here is never closed\n");
}

TEST(GrantImport, IdentityCodesAreNeverCarriedNorEchoed) {
  const std::string code = "131052-308T";
  GrantImport ok = read(
      "account,identity_code,mandate,valid_from,valid_until\n"
      "mmakinen," +
      code + ",vero-veroasiat,2024-01-01,2026-01-01\n");
  ASSERT_TRUE(ok.problems.empty()) << problems(ok);
  EXPECT_TRUE(ok.has_identity_code_column);
  const GrantRecord& record = ok.records.at(0);
  for (const std::string* field :
       {&record.account, &record.mandate, &record.note, &record.granted_by}) {
    EXPECT_EQ(field->find("308T"), std::string::npos);
  }
  // A code in the wrong column (a shifted row, a note) is refused without being shown.
  GrantImport bad = read(
      "account,identity_code,mandate,valid_from,valid_until,note\n"
      "mmakinen,,vero-veroasiat,2024-01-01,2026-01-01,\n" +
      code +
      ",x,vero-veroasiat,2024-01-01,2026-01-01,\n"
      "johman,x,vero-veroasiat,2024-01-01,2026-01-01,hetu " +
      code +
      "\n"
      "aastrom,x," +
      code + ",2024-01-01,2026-01-01,\n");
  const std::string text = problems(bad);
  EXPECT_EQ(bad.problems.size(), 4u) << text;
  EXPECT_NE(text.find("f.csv:2: identity_code: missing"), std::string::npos) << text;
  EXPECT_NE(text.find("f.csv:3: account: looks like an identity code"), std::string::npos);
  EXPECT_NE(text.find("f.csv:4: note: contains what looks like an identity code"),
            std::string::npos);
  EXPECT_NE(text.find("f.csv:5: mandate: unknown mandate (value not shown"), std::string::npos);
  EXPECT_EQ(text.find("308T"), std::string::npos) << text;
}

TEST(GrantImport, IdentityCodeShapeDetection) {
  EXPECT_TRUE(contains_identity_code("131052-308T"));
  EXPECT_TRUE(contains_identity_code("hetu:010203A123X."));
  EXPECT_FALSE(contains_identity_code("2024-01-01"));
  EXPECT_FALSE(contains_identity_code("Åsa Åström, Talouspalvelut"));
  EXPECT_FALSE(contains_identity_code("991399-1234"));  // no such day and month
}

TEST(GrantImport, ParsesOnlyStrictIsoDates) {
  EXPECT_TRUE(parse_iso_date("2024-02-29"));
  EXPECT_FALSE(parse_iso_date("2023-02-29"));
  EXPECT_FALSE(parse_iso_date("2024-2-9"));
  EXPECT_FALSE(parse_iso_date("2024-02-29T00:00"));
  EXPECT_FALSE(parse_iso_date("2024/02/29"));
  EXPECT_FALSE(parse_iso_date("2024-00-10"));
}

// The file read from a stream gives the same records and problems as the text, and a file over
// the row limit is refused without reading further.
TEST(GrantImport, ReadFromAStreamAsFromTextAndBoundedInRows) {
  const std::string text =
      "account,mandate,valid_from,valid_until,note\n"
      "\n"
      "mmakinen,kela-etuustiedot,2024-01-15,2026-01-14,\"two\nlines\"\n"
      "aastrom,te-tyonhakija,2024-02-29,2029-02-28,\n"
      "aastrom,vero-veroasiat,2024-02-29,2024-02-28,\n"
      "\n\n";
  const GrantImport whole = read(text);
  std::istringstream in(text);
  const GrantImport streamed = read_grant_csv(in, kCatalog, kImportDay, 10);
  EXPECT_EQ(problems(streamed), problems(whole));
  EXPECT_NE(problems(streamed).find("f.csv:2: row: an empty row"), std::string::npos)
      << problems(streamed);
  EXPECT_NE(problems(streamed).find("f.csv:6: valid_until"), std::string::npos);

  std::istringstream good(
      "account,mandate,valid_from,valid_until\n"
      "mmakinen,kela-etuustiedot,2024-01-15,2026-01-14\n"
      "aastrom,te-tyonhakija,2024-02-29,2029-02-28\n\n");
  const GrantImport two = read_grant_csv(good, kCatalog, kImportDay, 2);
  ASSERT_TRUE(two.problems.empty()) << problems(two);
  ASSERT_EQ(two.records.size(), 2u);
  EXPECT_EQ(two.records[1].account, "aastrom");
  EXPECT_EQ(two.records[1].line, 3u);

  std::istringstream three(
      "account,mandate,valid_from,valid_until\n"
      "a,kela-etuustiedot,2024-01-15,2026-01-14\n"
      "b,kela-etuustiedot,2024-01-15,2026-01-14\n"
      "c,kela-etuustiedot,2024-01-15,2026-01-14\n");
  const GrantImport over = read_grant_csv(three, kCatalog, kImportDay, 2);
  EXPECT_TRUE(over.records.empty());
  EXPECT_EQ(problems(over), "f.csv:4: row: the file has more than 2 rows; import it in parts\n");
}

}  // namespace
}  // namespace valtuus
