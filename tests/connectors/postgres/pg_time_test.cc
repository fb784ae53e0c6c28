#include "connectors/postgres/pg_time.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace valtuus {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;

TEST(PgDateTest, ReadsTheIsoText) {
  EXPECT_EQ(parse_pg_date("2027-03-31", "t.c"), sys_days{year{2027} / 3 / 31});
  EXPECT_EQ(parse_pg_date("2028-02-29", "t.c"), sys_days{year{2028} / 2 / 29});
  EXPECT_EQ(parse_pg_date("0001-01-01", "t.c"), sys_days{year{1} / 1 / 1});
  // After 9999 PostgreSQL writes the year in as many digits as it has.
  EXPECT_EQ(parse_pg_date("10000-12-01", "t.c"), sys_days{year{10000} / 12 / 1});
}

void expect_refused(const std::string& text) {
  try {
    parse_pg_date(text, "grant_ledger.valid_until");
    ADD_FAILURE() << "'" << text << "' was read as a date";
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()), "grant_ledger.valid_until: '" + text +
                                         "' is not a date as YYYY-MM-DD (DateStyle ISO)");
  }
}

TEST(PgDateTest, AnythingElseIsAnErrorNamingTheColumnAndText) {
  for (const char* text : {"",
                           "2027",
                           "2027-03",
                           "2027-03-3",
                           "2027-3-31",
                           "2027-03-31 ",
                           " 2027-03-31",
                           "2027-03-31x",
                           "+2027-03-31",
                           "-2027-03-31",
                           "027-03-31",
                           "2027/03/31",
                           "2027-03-+1",
                           "2027-13-01",
                           "2027-00-10",
                           "2027-02-29",
                           "2027-04-31",
                           "2027-04-00",
                           "0044-03-15 BC",  // a BC date: read as the year 44 before
                           "31/03/2027",     // DateStyle SQL, DMY: read as the year 31 before
                           "03-31-2027",
                           "99999999999-01-01"}) {
    expect_refused(text);
  }
}

}  // namespace
}  // namespace valtuus
