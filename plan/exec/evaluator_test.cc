#include "plan/exec/evaluator.h"

#include <gtest/gtest.h>

#include "plan/exec/operator.h"

namespace xp::exec {
namespace {

using plan::BoundExprPtr;
using plan::DataType;
using plan::Decimal;
using plan::ExprOp;
using plan::MakeCall;
using plan::MakeColumn;
using plan::MakeConst;
using plan::Value;

BoundExprPtr Call(ExprOp op, BoundExprPtr a, BoundExprPtr b = nullptr) {
  std::vector<BoundExprPtr> args;
  args.push_back(std::move(a));
  if (b) args.push_back(std::move(b));
  auto r = MakeCall(op, std::move(args));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

BoundExprPtr Int(int64_t v) { return MakeConst(Value(v), DataType::Int()); }
BoundExprPtr Dec(std::string_view s) {
  Decimal d = *plan::ParseDecimal(s);
  return MakeConst(Value(d), plan::TypeOfValue(Value(d)));
}
BoundExprPtr Dbl(double v) { return MakeConst(Value(v), DataType::Double()); }
BoundExprPtr Str(std::string s) {
  return MakeConst(Value(s), DataType::String(static_cast<uint32_t>(s.size())));
}
BoundExprPtr Null() { return MakeConst(Value(), DataType::Null()); }

// Evaluates a constant expression over a one-row batch.
std::string Eval1(const BoundExprPtr& e) {
  Batch in({PhysType::kInt64});
  in.SetRows(1);
  ExpressionEvaluator ev(*e);
  auto r = ev.Evaluate(in);
  if (!r.ok()) return r.status().ToString();
  return CellText(**r, e->type, 0);
}

TEST(EvaluatorTest, IntegerArithmeticAndTypes) {
  auto e = Call(ExprOp::kAdd, Int(2), Call(ExprOp::kMul, Int(3), Int(4)));
  EXPECT_EQ(e->type.ToString(), "BIGINT");
  EXPECT_EQ(Eval1(e), "14");
  EXPECT_EQ(Eval1(Call(ExprOp::kSub, Int(1), Int(10))), "-9");
  EXPECT_EQ(Eval1(Call(ExprOp::kIntDiv, Int(7), Int(2))), "3");
  EXPECT_EQ(Eval1(Call(ExprOp::kIntDiv, Int(-7), Int(2))), "-3");
  EXPECT_EQ(Eval1(Call(ExprOp::kMod, Int(-7), Int(3))), "-1");
  EXPECT_EQ(Eval1(Call(ExprOp::kMod, Int(7), Int(0))), "NULL");
  EXPECT_EQ(Eval1(Call(ExprOp::kNeg, Int(5))), "-5");
}

TEST(EvaluatorTest, IntegerDivisionIsDecimal) {
  auto e = Call(ExprOp::kDiv, Int(7), Int(2));
  EXPECT_EQ(e->type.id, plan::TypeId::kDecimal);
  EXPECT_EQ(e->type.scale, 4);
  EXPECT_EQ(Eval1(e), "3.5000");
  EXPECT_EQ(Eval1(Call(ExprOp::kDiv, Int(2), Int(3))), "0.6667");
  EXPECT_EQ(Eval1(Call(ExprOp::kDiv, Int(1), Int(0))), "NULL");
  EXPECT_EQ(Eval1(Call(ExprOp::kDiv, Dec("1.5"), Int(3))), "0.50000");
}

TEST(EvaluatorTest, DecimalArithmetic) {
  EXPECT_EQ(Eval1(Call(ExprOp::kAdd, Dec("0.1"), Dec("0.2"))), "0.3");
  EXPECT_EQ(Eval1(Call(ExprOp::kAdd, Int(1), Dec("0.25"))), "1.25");
  EXPECT_EQ(Eval1(Call(ExprOp::kMul, Dec("10.0"), Dec("3.00"))), "30.000");
  EXPECT_EQ(Eval1(Call(ExprOp::kSub, Dec("1"), Dec("1.000"))), "0.000");
  EXPECT_EQ(Eval1(Call(ExprOp::kMod, Dec("-7.5"), Int(2))), "-1.5");
}

TEST(EvaluatorTest, OverflowIs1690) {
  std::string s = Eval1(Call(ExprOp::kAdd, Int(INT64_MAX), Int(1)));
  EXPECT_NE(s.find("ERROR 1690 (22003): BIGINT value is out of range"),
            std::string::npos)
      << s;
  s = Eval1(Call(ExprOp::kMul, Int(INT64_MIN), Int(-1)));
  EXPECT_NE(s.find("1690"), std::string::npos) << s;
  auto u = MakeConst(Value(uint64_t{1}), DataType::UInt());
  s = Eval1(Call(ExprOp::kSub, std::move(u), Int(2)));
  EXPECT_NE(s.find("BIGINT UNSIGNED value is out of range"), std::string::npos)
      << s;
  // NULL rows never overflow.
  EXPECT_EQ(Eval1(Call(ExprOp::kAdd, Int(INT64_MAX), Null())), "NULL");
}

TEST(EvaluatorTest, DoubleAndStringsAsNumbers) {
  auto e = Call(ExprOp::kAdd, Dbl(1.5), Int(1));
  EXPECT_EQ(e->type.id, plan::TypeId::kDouble);
  EXPECT_EQ(Eval1(e), "2.5");
  EXPECT_EQ(Eval1(Call(ExprOp::kAdd, Str("3abc"), Int(1))),
            "4");  // numeric prefix
  EXPECT_EQ(Eval1(Call(ExprOp::kMul, Str("x"), Int(5))), "0");
  EXPECT_EQ(Eval1(Call(ExprOp::kDiv, Dbl(1), Dbl(0))), "NULL");
}

TEST(EvaluatorTest, ComparisonsAcrossTypes) {
  EXPECT_EQ(Eval1(Call(ExprOp::kEq, Int(1), Dec("1.00"))), "1");
  EXPECT_EQ(Eval1(Call(ExprOp::kLt, Dec("0.1"), Dbl(0.2))), "1");
  EXPECT_EQ(Eval1(Call(ExprOp::kEq, Str("10"), Int(10))), "1");
  EXPECT_EQ(Eval1(Call(ExprOp::kEq, Str("abc"), Str("ABC "))),
            "1");  // ci, pad space
  EXPECT_EQ(Eval1(Call(ExprOp::kLt, Str("a"), Str("B"))), "1");
  EXPECT_EQ(Eval1(Call(ExprOp::kEq, Int(1), Null())), "NULL");
  EXPECT_EQ(Eval1(Call(ExprOp::kNullSafeEq, Int(1), Null())), "0");
  EXPECT_EQ(Eval1(Call(ExprOp::kNullSafeEq, Null(), Null())), "1");
  auto u = MakeConst(Value(uint64_t{UINT64_MAX}), DataType::UInt());
  EXPECT_EQ(Eval1(Call(ExprOp::kGt, std::move(u), Int(-1))), "1");  // no wrap
}

TEST(EvaluatorTest, ThreeValuedLogic) {
  // AND / OR truth tables with NULL.
  EXPECT_EQ(Eval1(Call(ExprOp::kAnd, Null(), Int(0))), "0");
  EXPECT_EQ(Eval1(Call(ExprOp::kAnd, Null(), Int(1))), "NULL");
  EXPECT_EQ(Eval1(Call(ExprOp::kOr, Null(), Int(1))), "1");
  EXPECT_EQ(Eval1(Call(ExprOp::kOr, Null(), Int(0))), "NULL");
  EXPECT_EQ(Eval1(Call(ExprOp::kXor, Int(1), Int(5))), "0");
  EXPECT_EQ(Eval1(Call(ExprOp::kNot, Null())), "NULL");
  EXPECT_EQ(Eval1(Call(ExprOp::kNot, Dec("0.0"))), "1");
  EXPECT_EQ(Eval1(Call(ExprOp::kIsNull, Null())), "1");
  EXPECT_EQ(Eval1(Call(ExprOp::kIsNotNull, Int(0))), "1");
}

TEST(EvaluatorTest, CaseAndCoalesce) {
  std::vector<BoundExprPtr> args;
  args.push_back(Call(ExprOp::kEq, Int(1), Int(2)));
  args.push_back(Str("no"));
  args.push_back(Null());  // NULL condition is not true
  args.push_back(Str("null"));
  args.push_back(Int(7));  // ELSE: converted to the string result type
  auto c = MakeCall(ExprOp::kCase, std::move(args));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->type.id, plan::TypeId::kString);
  EXPECT_EQ(Eval1(*c), "7");

  std::vector<BoundExprPtr> co;
  co.push_back(Null());
  co.push_back(Dec("2.5"));
  co.push_back(Int(3));
  auto k = MakeCall(ExprOp::kCoalesce, std::move(co));
  ASSERT_TRUE(k.ok());
  EXPECT_EQ((*k)->type.ToString(), "DECIMAL(21,1)");
  EXPECT_EQ(Eval1(*k), "2.5");
}

TEST(EvaluatorTest, ColumnsOverAWholeBatchWithNulls) {
  // a + b over 2,048 rows where every 7th a is NULL.
  Batch in({PhysType::kInt64, PhysType::kInt64});
  in.SetRows(kBatchSize);
  for (size_t i = 0; i < kBatchSize; ++i) {
    in.column(0).data<int64_t>()[i] = static_cast<int64_t>(i);
    in.column(1).data<int64_t>()[i] = 1000;
    if (i % 7 == 0) in.column(0).SetNull(i);
  }
  auto e = Call(ExprOp::kGt,
                Call(ExprOp::kAdd, MakeColumn(0, DataType::Int()),
                     MakeColumn(1, DataType::Int())),
                Int(2000));
  ExpressionEvaluator ev(*e);
  for (int round = 0; round < 2; ++round) {  // scratch buffers are reused
    auto r = ev.Evaluate(in);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const Vector& v = **r;
    EXPECT_EQ(v.size(), kBatchSize);
    size_t trues = 0, nulls = 0;
    for (size_t i = 0; i < kBatchSize; ++i) {
      if (v.IsNull(i)) {
        ++nulls;
        EXPECT_EQ(i % 7, 0u);
      } else {
        EXPECT_EQ(v.data<int64_t>()[i], static_cast<int64_t>(i) + 1000 > 2000);
        trues += v.data<int64_t>()[i];
      }
    }
    EXPECT_EQ(nulls, (kBatchSize + 6) / 7);
    size_t want = 0;
    for (size_t i = 1001; i < kBatchSize; ++i) want += i % 7 != 0;
    EXPECT_EQ(trues, want);
  }
  // A bare column reference costs nothing: the input vector comes back.
  auto col = MakeColumn(1, DataType::Int());
  ExpressionEvaluator ev2(*col);
  EXPECT_EQ(*ev2.Evaluate(in), &in.column(1));
}

}  // namespace
}  // namespace xp::exec
