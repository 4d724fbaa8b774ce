#include "codec/key.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <vector>

namespace xp::key {
namespace {

// Sign of a bytewise key comparison.
int KeyCompare(const std::string& a, const std::string& b) {
  const int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

// For every pair of values: the encodings compare like the values (NULL
// first ascending; everything reversed, NULL last, when desc).
template <class T, class Append, class Cmp>
void CheckOrder(const std::vector<std::optional<T>>& values, Append append,
                Cmp cmp) {
  for (bool desc : {false, true}) {
    std::vector<std::string> keys;
    for (const auto& v : values) {
      std::string k;
      if (v) {
        append(*v, desc, &k);
      } else {
        AppendNull(desc, &k);
      }
      keys.push_back(k);
    }
    for (size_t i = 0; i < values.size(); ++i) {
      for (size_t j = 0; j < values.size(); ++j) {
        int want;
        if (!values[i] || !values[j]) {
          want = !values[i] && !values[j] ? 0 : !values[i] ? -1 : 1;
        } else {
          want = cmp(*values[i], *values[j]);
        }
        if (desc) want = -want;
        ASSERT_EQ(KeyCompare(keys[i], keys[j]), want)
            << "values " << i << " and " << j << (desc ? " desc" : "");
      }
    }
  }
}

template <class T>
int Three(const T& a, const T& b) {
  return a < b ? -1 : b < a ? 1 : 0;
}

TEST(KeyTest, SignedIntegersKeepTheirOrder) {
  std::vector<std::optional<int64_t>> v = {
      std::nullopt, INT64_MIN, INT64_MIN + 1, -256,     -1, 0, 1,
      255,          256,       INT64_MAX - 1, INT64_MAX};
  std::mt19937_64 rng(1);
  for (int i = 0; i < 40; ++i) v.push_back(static_cast<int64_t>(rng()));
  CheckOrder(v, AppendInt64, Three<int64_t>);
}

TEST(KeyTest, UnsignedIntegersKeepTheirOrder) {
  std::vector<std::optional<uint64_t>> v = {
      std::nullopt, 0, 1, 255, 256, uint64_t{1} << 63, UINT64_MAX};
  std::mt19937_64 rng(2);
  for (int i = 0; i < 40; ++i) v.push_back(rng());
  CheckOrder(v, AppendUInt64, Three<uint64_t>);
}

TEST(KeyTest, DoublesKeepTheirOrderAndZeroIsOneValue) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::optional<double>> v = {
      std::nullopt, -inf,    -1e308,
      -1.5,         -1e-300, -0.0,
      0.0,          1e-300,  std::numeric_limits<double>::denorm_min(),
      1.5,          1e308,   inf};
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> d(-1e6, 1e6);
  for (int i = 0; i < 40; ++i) v.push_back(d(rng));
  CheckOrder(v, AppendDouble, Three<double>);  // -0.0 == 0.0 both ways
}

TEST(KeyTest, DecimalsKeepTheirOrder) {
  const __int128 big = static_cast<__int128>(1) << 120;
  std::vector<std::optional<__int128>> v = {
      std::nullopt, -big, -big + 1, -1, 0, 1, big - 1, big};
  std::mt19937_64 rng(4);
  for (int i = 0; i < 40; ++i) {
    v.push_back((static_cast<__int128>(static_cast<int64_t>(rng())) << 60) +
                static_cast<__int128>(rng() >> 8));
  }
  CheckOrder(v, AppendDecimal, Three<__int128>);
}

TEST(KeyTest, BytesKeepTheirOrderWithZerosAndPrefixes) {
  using S = std::string;
  std::vector<std::optional<S>> v = {
      std::nullopt,   S(""),  S("\0", 1),  S("\0\0", 2),
      S("\0\x01", 2), S("a"), S("a\0", 2), S("a\0b", 3),
      S("ab"),        S("b"), S("\xff"),   S("\xff\xff")};
  std::mt19937_64 rng(5);
  for (int i = 0; i < 40; ++i) {
    S s(rng() % 6, '\0');
    for (char& c : s) c = static_cast<char>("\0\x01a\xff"[rng() % 4]);
    v.push_back(s);
  }
  // Bytes order as unsigned values, shorter first on a common prefix.
  CheckOrder(v, AppendBytes, [](const S& a, const S& b) {
    return Three(std::vector<unsigned char>(a.begin(), a.end()),
                 std::vector<unsigned char>(b.begin(), b.end()));
  });
}

TEST(KeyTest, TextFollowsTheCaseInsensitivePadSpaceCollation) {
  using S = std::string;
  std::vector<std::optional<S>> v = {std::nullopt, S(""),    S("  "), S("A"),
                                     S("a "),      S("ab"),  S("AB"), S("b"),
                                     S("Z"),       S("a\tb")};
  auto collate = [](S a, S b) {
    while (!a.empty() && a.back() == ' ') a.pop_back();
    while (!b.empty() && b.back() == ' ') b.pop_back();
    for (char& c : a) c = static_cast<char>(std::tolower(c));
    for (char& c : b) c = static_cast<char>(std::tolower(c));
    return Three(a, b);
  };
  CheckOrder(v, AppendText, collate);
}

TEST(KeyTest, CompositeKeysOrderByFieldsInTurn) {
  // (a INT, b VARCHAR DESC): a ascending, then b descending.
  auto k = [](int64_t a, const char* b) {
    std::string s;
    AppendPrefix(7, 1, &s);
    AppendInt64(a, false, &s);
    if (b) {
      AppendBytes(b, true, &s);
    } else {
      AppendNull(true, &s);
    }
    return s;
  };
  EXPECT_LT(k(1, "z"), k(2, "a"));
  EXPECT_LT(k(1, "b"), k(1, "a"));
  EXPECT_LT(k(1, "ab"), k(1, "a"));     // DESC: the longer string first
  EXPECT_LT(k(1, "a"), k(1, nullptr));  // DESC: NULL last
  // A table's keys all lie in [prefix, PrefixSuccessor(prefix)).
  std::string prefix;
  AppendPrefix(7, 1, &prefix);
  const std::string end = PrefixSuccessor(prefix);
  EXPECT_GE(k(INT64_MIN, nullptr), prefix);
  EXPECT_LT(k(INT64_MAX, ""), end);
  EXPECT_EQ(PrefixSuccessor("\x01\xff"), "\x02");
  EXPECT_EQ(PrefixSuccessor("\xff\xff"), "");
}

TEST(KeyTest, DecodesWhatItEncodes) {
  std::string s;
  AppendPrefix(0x0102030405060708ULL, 0x0a0b0c0d, &s);
  AppendInt64(-42, true, &s);
  AppendNull(false, &s);
  AppendUInt64(UINT64_MAX, false, &s);
  AppendDouble(-2.5, true, &s);
  AppendDecimal(-12345, false, &s);
  AppendBytes(std::string("x\0y", 3), true, &s);
  AppendText("Hello  ", false, &s);
  AppendInt64(9, false, &s);
  Decoder d(s);
  uint64_t table;
  uint32_t index;
  ASSERT_TRUE(d.ReadPrefix(&table, &index).ok());
  EXPECT_EQ(table, 0x0102030405060708ULL);
  EXPECT_EQ(index, 0x0a0b0c0du);
  bool null = false;
  int64_t i = 0;
  ASSERT_TRUE(d.ReadInt64(true, &null, &i).ok());
  EXPECT_EQ(i, -42);
  ASSERT_TRUE(d.ReadInt64(false, &null, &i).ok());
  EXPECT_TRUE(null);
  uint64_t u = 0;
  ASSERT_TRUE(d.ReadUInt64(false, &null, &u).ok());
  EXPECT_EQ(u, UINT64_MAX);
  double x = 0;
  ASSERT_TRUE(d.ReadDouble(true, &null, &x).ok());
  EXPECT_EQ(x, -2.5);
  __int128 dec = 0;
  ASSERT_TRUE(d.ReadDecimal(false, &null, &dec).ok());
  EXPECT_TRUE(dec == -12345);
  std::string b;
  ASSERT_TRUE(d.ReadBytes(true, &null, &b).ok());
  EXPECT_EQ(b, std::string("x\0y", 3));
  ASSERT_TRUE(d.Skip(Kind::kText, false).ok());
  ASSERT_TRUE(d.ReadInt64(false, &null, &i).ok());
  EXPECT_EQ(i, 9);
  EXPECT_TRUE(d.rest().empty());
}

TEST(KeyTest, MalformedKeysAreErrorsNotCrashes) {
  std::string s;
  AppendBytes("abc", false, &s);
  for (size_t n = 0; n < s.size(); ++n) {
    Decoder d(std::string_view(s).substr(0, n));
    std::string out;
    bool null;
    EXPECT_FALSE(d.ReadBytes(false, &null, &out).ok()) << n;
  }
  Decoder bad("\x07");
  int64_t v;
  bool null;
  EXPECT_FALSE(bad.ReadInt64(false, &null, &v).ok());
  const std::string bad_escape("\x02\x61\x00\x05", 4);
  Decoder esc(bad_escape);
  std::string out;
  EXPECT_FALSE(esc.ReadBytes(false, &null, &out).ok());
}

}  // namespace
}  // namespace xp::key
