#include "tests/sql/slt_check.h"

#include <gtest/gtest.h>

namespace xp::slt {
namespace {

Record Query(const std::string& text) {
  auto r = ParseRecords(text, "mysql");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->size(), 1u);
  return r->front();
}

TEST(SltCheckTest, FormatsByTypeLetter) {
  EXPECT_EQ(FormatValue('I', std::string("42")), "42");
  EXPECT_EQ(FormatValue('I', std::string("-3.9")), "-3");
  EXPECT_EQ(FormatValue('I', std::string("12abc")), "12");
  EXPECT_EQ(FormatValue('R', std::string("3.5000")), "3.500");
  EXPECT_EQ(FormatValue('R', std::string("2")), "2.000");
  EXPECT_EQ(FormatValue('T', std::string("")), "(empty)");
  EXPECT_EQ(FormatValue('T', std::string("a\tb")), "a@b");
  EXPECT_EQ(FormatValue('I', std::nullopt), "NULL");
}

TEST(SltCheckTest, Md5MatchesKnownDigest) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(SltCheckTest, SortModes) {
  Record r =
      Query("query IT rowsort\nSELECT a, b FROM t\n----\n1\nx\n2\n(empty)\n");
  ActualResult a{"IT", {{"2", ""}, {"1", "x"}}};
  EXPECT_EQ(CheckQuery(r, a, 0), "");
  Record v = Query("query I valuesort\nSELECT a FROM t\n----\n1\n2\n3\n");
  ActualResult b{"I", {{"3"}, {"1"}, {"2"}}};
  EXPECT_EQ(CheckQuery(v, b, 0), "");
  Record n = Query("query I nosort\nSELECT a FROM t\n----\n1\n2\n");
  ActualResult c{"I", {{"2"}, {"1"}}};
  EXPECT_EQ(CheckQuery(n, c, 0), "value 0: got '2', expected '1'");
}

TEST(SltCheckTest, HashedResultsAndTypeLetters) {
  // md5("1\n2\n3\n")
  const std::string h = Md5Hex("1\n2\n3\n");
  Record r =
      Query("query I rowsort\nSELECT a FROM t\n----\n3 values hashing to " + h +
            "\n");
  EXPECT_TRUE(r.hashed);
  ActualResult a{"I", {{"3"}, {"1"}, {"2"}}};
  EXPECT_EQ(CheckQuery(r, a, 8), "");
  ActualResult wrong{"I", {{"3"}, {"1"}, {"4"}}};
  EXPECT_NE(CheckQuery(r, wrong, 8), "");
  // MySQL returns DECIMAL for AVG: a runner reporting I fails the letters.
  Record avg = Query("query R nosort\nSELECT AVG(a) FROM t\n----\n2.000\n");
  EXPECT_EQ(CheckQuery(avg, ActualResult{"R", {{"2.0000"}}}, 0), "");
  EXPECT_EQ(CheckQuery(avg, ActualResult{"I", {{"2"}}}, 0),
            "column types I, expected R");
}

TEST(SltCheckTest, RecordReaderHonoursEngineConditions) {
  auto r = ParseRecords(
      "skipif mysql\nstatement ok\nSELECT 1\n\nonlyif sqlite\nquery I\nSELECT "
      "2\n----\n2\n\n"
      "onlyif mysql\nstatement error\nBAD\n\nhash-threshold 8\n\nquery T "
      "nosort label-x\nSELECT "
      "'a'\n----\na\n\nonlyif mysql\nhalt\n\nstatement ok\nSELECT 'never'\n",
      "mysql");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].kind, Record::Kind::kStatementError);
  EXPECT_EQ((*r)[1].kind, Record::Kind::kHashThreshold);
  EXPECT_EQ((*r)[1].threshold, 8u);
  EXPECT_EQ((*r)[2].label, "label-x");
  EXPECT_EQ((*r)[2].expected, std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace xp::slt
