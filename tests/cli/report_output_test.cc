// The one printer of every report: RFC 4180 CSV with the fields as header, JSON with a null
// for every missing value, and a table that says so when there is nothing.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/command.h"
#include "cli/report_output.h"

namespace valtuus {
namespace {

Report sample() {
  Report report("leavers", "2026-11-24T23:58:01Z", {{"theme", "kela"}});
  report.columns = {{"account", "ACCOUNT"}, {"name", "NAME"}, {"item", "ITEM"}};
  report.rows = {{"mmakinen", "Mäkinen, \"Matti\"", 12}, {"aastrom", "Åsa\nÅström", nullptr}};
  report.summary = {{"grants", 2}};
  report.summary_lines = {"2 grant(s)."};
  report.empty_text = "Nothing.";
  return report;
}

std::string printed(const Report& report, const std::string& format) {
  std::ostringstream out;
  print_report(out, report, format);
  return out.str();
}

TEST(ReportOutputTest, CsvQuotesPerRfc4180WithFieldNamesAsHeader) {
  EXPECT_EQ(printed(sample(), "csv"),
            "account,name,item\r\n"
            "mmakinen,\"Mäkinen, \"\"Matti\"\"\",12\r\n"
            "aastrom,\"Åsa\nÅström\",\r\n");
}

TEST(ReportOutputTest, JsonNamesEveryFieldAndKeepsNulls) {
  const auto document = nlohmann::json::parse(printed(sample(), "json"));
  EXPECT_EQ(document["report"], "leavers");
  EXPECT_EQ(document["generated_at"], "2026-11-24T23:58:01Z");
  EXPECT_EQ(document["filters"]["theme"], "kela");
  ASSERT_EQ(document["rows"].size(), 2u);
  EXPECT_EQ(document["rows"][0]["item"], 12);
  EXPECT_TRUE(document["rows"][1].contains("item"));
  EXPECT_TRUE(document["rows"][1]["item"].is_null());
  EXPECT_EQ(document["summary"]["grants"], 2);
}

TEST(ReportOutputTest, TableForPeopleAndItsEmptyAnswer) {
  const std::string table = printed(sample(), "table");
  EXPECT_EQ(table.find("ACCOUNT"), 0u);
  EXPECT_NE(table.find("2 grant(s).\n"), std::string::npos);
  Report empty = sample();
  empty.rows.clear();
  empty.summary_lines.clear();
  EXPECT_EQ(printed(empty, "table"), "Nothing.\n");
  EXPECT_EQ(printed(empty, "csv"), "account,name,item\r\n");
  EXPECT_TRUE(nlohmann::json::parse(printed(empty, "json"))["rows"].empty());
}

TEST(ReportOutputTest, CellsAsText) {
  EXPECT_EQ(cell_text(nullptr), "");
  EXPECT_EQ(cell_text(true), "true");
  EXPECT_EQ(cell_text(4.5), "4.5");
  EXPECT_EQ(cell_text(nlohmann::json::array({"one_holder", "holder_left"})),
            "one_holder, holder_left");
}

TEST(ReportOutputTest, UnknownFormatIsAUsageError) {
  boost::program_options::variables_map values;
  values.emplace("format", boost::program_options::variable_value(std::string("xml"), false));
  EXPECT_THROW(report_format(values), UsageError);
}

}  // namespace
}  // namespace valtuus
