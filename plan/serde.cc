#include "plan/serde.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cstdint>
#include <cstring>

#include "codec/sql_errors.h"
#include "plan/types/temporal.h"

namespace xp::plan {

namespace P = Xp::Plan;

namespace {

constexpr int64_t kMaxTimeMicros =
    (838LL * 3600 + 59 * 60 + 59) * 1'000'000 + 999'999;
// The C++ enums carry the wire numbers that xprotocol_plan.proto's enums
// fix (so encoding is a cast): each value, and no C++ value past the last
// wire number.
static_assert(static_cast<int>(NodeKind::kValues) == P::NODE_VALUES);
static_assert(static_cast<int>(NodeKind::kTableScan) == P::NODE_TABLE_SCAN);
static_assert(static_cast<int>(NodeKind::kGet) == P::NODE_GET);
static_assert(static_cast<int>(NodeKind::kRangeScan) == P::NODE_RANGE_SCAN);
static_assert(static_cast<int>(NodeKind::kFilter) == P::NODE_FILTER);
static_assert(static_cast<int>(NodeKind::kProject) == P::NODE_PROJECT);
static_assert(static_cast<int>(NodeKind::kAggregate) == P::NODE_AGGREGATE);
static_assert(static_cast<int>(NodeKind::kSort) == P::NODE_SORT);
static_assert(static_cast<int>(NodeKind::kLimit) == P::NODE_LIMIT);
static_assert(static_cast<int>(NodeKind::kJoin) == P::NODE_JOIN);
static_assert(static_cast<int>(NodeKind::kUnionAll) == P::NODE_UNION_ALL);
static_assert(static_cast<int>(NodeKind::kRemote) == P::NODE_REMOTE);
static_assert(static_cast<int>(ExprOp::kConst) == P::EXPR_CONST);
static_assert(static_cast<int>(ExprOp::kColumn) == P::EXPR_COLUMN);
static_assert(static_cast<int>(ExprOp::kAdd) == P::EXPR_ADD);
static_assert(static_cast<int>(ExprOp::kSub) == P::EXPR_SUB);
static_assert(static_cast<int>(ExprOp::kMul) == P::EXPR_MUL);
static_assert(static_cast<int>(ExprOp::kDiv) == P::EXPR_DIV);
static_assert(static_cast<int>(ExprOp::kIntDiv) == P::EXPR_INT_DIV);
static_assert(static_cast<int>(ExprOp::kMod) == P::EXPR_MOD);
static_assert(static_cast<int>(ExprOp::kNeg) == P::EXPR_NEG);
static_assert(static_cast<int>(ExprOp::kEq) == P::EXPR_EQ);
static_assert(static_cast<int>(ExprOp::kNe) == P::EXPR_NE);
static_assert(static_cast<int>(ExprOp::kLt) == P::EXPR_LT);
static_assert(static_cast<int>(ExprOp::kLe) == P::EXPR_LE);
static_assert(static_cast<int>(ExprOp::kGt) == P::EXPR_GT);
static_assert(static_cast<int>(ExprOp::kGe) == P::EXPR_GE);
static_assert(static_cast<int>(ExprOp::kNullSafeEq) == P::EXPR_NULL_SAFE_EQ);
static_assert(static_cast<int>(ExprOp::kAnd) == P::EXPR_AND);
static_assert(static_cast<int>(ExprOp::kOr) == P::EXPR_OR);
static_assert(static_cast<int>(ExprOp::kXor) == P::EXPR_XOR);
static_assert(static_cast<int>(ExprOp::kNot) == P::EXPR_NOT);
static_assert(static_cast<int>(ExprOp::kIsNull) == P::EXPR_IS_NULL);
static_assert(static_cast<int>(ExprOp::kIsNotNull) == P::EXPR_IS_NOT_NULL);
static_assert(static_cast<int>(ExprOp::kCase) == P::EXPR_CASE);
static_assert(static_cast<int>(ExprOp::kCoalesce) == P::EXPR_COALESCE);
static_assert(static_cast<int>(ExprOp::kCast) == P::EXPR_CAST);
static_assert(static_cast<int>(ExprOp::kAbs) == P::EXPR_ABS);
static_assert(static_cast<int>(ExprOp::kSubquery) == P::EXPR_SUBQUERY);
static_assert(static_cast<int>(ExprOp::kFunc) == P::EXPR_FUNC);
static_assert(static_cast<int>(ExprOp::kLike) == P::EXPR_LIKE);
static_assert(static_cast<int>(ExprOp::kIn) == P::EXPR_IN);
static_assert(static_cast<int>(Func::kConcat) == P::FUNC_CONCAT);
static_assert(static_cast<int>(Func::kSubstring) == P::FUNC_SUBSTRING);
static_assert(static_cast<int>(Func::kLength) == P::FUNC_LENGTH);
static_assert(static_cast<int>(Func::kCharLength) == P::FUNC_CHAR_LENGTH);
static_assert(static_cast<int>(Func::kUpper) == P::FUNC_UPPER);
static_assert(static_cast<int>(Func::kLower) == P::FUNC_LOWER);
static_assert(static_cast<int>(Func::kTrim) == P::FUNC_TRIM);
static_assert(static_cast<int>(Func::kLTrim) == P::FUNC_LTRIM);
static_assert(static_cast<int>(Func::kRTrim) == P::FUNC_RTRIM);
static_assert(static_cast<int>(Func::kReplace) == P::FUNC_REPLACE);
static_assert(static_cast<int>(Func::kLeft) == P::FUNC_LEFT);
static_assert(static_cast<int>(Func::kRight) == P::FUNC_RIGHT);
static_assert(static_cast<int>(Func::kLocate) == P::FUNC_LOCATE);
static_assert(static_cast<int>(Func::kRound) == P::FUNC_ROUND);
static_assert(static_cast<int>(Func::kTruncate) == P::FUNC_TRUNCATE);
static_assert(static_cast<int>(Func::kFloor) == P::FUNC_FLOOR);
static_assert(static_cast<int>(Func::kCeil) == P::FUNC_CEIL);
static_assert(static_cast<int>(Func::kPower) == P::FUNC_POWER);
static_assert(static_cast<int>(Func::kSqrt) == P::FUNC_SQRT);
static_assert(static_cast<int>(Func::kSign) == P::FUNC_SIGN);
static_assert(static_cast<int>(Func::kExtract) == P::FUNC_EXTRACT);
static_assert(static_cast<int>(Func::kDateAdd) == P::FUNC_DATE_ADD);
static_assert(static_cast<int>(Func::kDateDiff) == P::FUNC_DATEDIFF);
static_assert(static_cast<int>(Func::kDate) == P::FUNC_DATE);
static_assert(static_cast<int>(Func::kCurDate) == P::FUNC_CURDATE);
static_assert(static_cast<int>(Func::kNow) == P::FUNC_NOW);
static_assert(static_cast<int>(AggFunc::kCountStar) == P::AGG_COUNT_STAR);
static_assert(static_cast<int>(AggFunc::kCount) == P::AGG_COUNT);
static_assert(static_cast<int>(AggFunc::kSum) == P::AGG_SUM);
static_assert(static_cast<int>(AggFunc::kAvg) == P::AGG_AVG);
static_assert(static_cast<int>(AggFunc::kMin) == P::AGG_MIN);
static_assert(static_cast<int>(AggFunc::kMax) == P::AGG_MAX);
static_assert(static_cast<int>(AggFunc::kAnyValue) == P::AGG_ANY_VALUE);
static_assert(static_cast<int>(AggFunc::kGroupConcat) == P::AGG_GROUP_CONCAT);
static_assert(static_cast<int>(AggMode::kComplete) == P::AGG_MODE_COMPLETE);
static_assert(static_cast<int>(AggMode::kPartial) == P::AGG_MODE_PARTIAL);
static_assert(static_cast<int>(AggMode::kFinal) == P::AGG_MODE_FINAL);
static_assert(static_cast<int>(JoinKind::kInner) == P::JOIN_INNER);
static_assert(static_cast<int>(JoinKind::kLeft) == P::JOIN_LEFT);
static_assert(static_cast<int>(JoinKind::kSemi) == P::JOIN_SEMI);
static_assert(static_cast<int>(JoinKind::kAnti) == P::JOIN_ANTI);
static_assert(P::NodeKind_MAX == static_cast<int>(NodeKind::kRemote));
static_assert(P::ExprOp_MAX == static_cast<int>(ExprOp::kIn));
static_assert(static_cast<int>(Func::kReverse) == P::FUNC_REVERSE);
static_assert(static_cast<int>(Func::kSubstringIndex) ==
              P::FUNC_SUBSTRING_INDEX);
static_assert(static_cast<int>(Func::kFromBase64) == P::FUNC_FROM_BASE64);
static_assert(static_cast<int>(Func::kCrc32) == P::FUNC_CRC32);
static_assert(P::Func_MAX == static_cast<int>(Func::kCrc32));
static_assert(P::AggFunc_MAX == static_cast<int>(AggFunc::kGroupConcat));
static_assert(P::AggMode_MAX == static_cast<int>(AggMode::kFinal));
static_assert(P::JoinKind_MAX == static_cast<int>(JoinKind::kAnti));

bool ValidWire(uint32_t v, bool (*is_valid)(int)) {
  return v <= static_cast<uint32_t>(INT32_MAX) && is_valid(static_cast<int>(v));
}

const char* KindName(uint32_t k) {
  return ValidWire(k, P::NodeKind_IsValid)
             ? NodeKindName(static_cast<NodeKind>(k))
             : "?";
}

// ------------------------------------------------------------- encoding

void PutType(const DataType& t, P::DataType* out) {
  out->set_id(static_cast<uint32_t>(t.id));
  if (t.int_bytes != 8) out->set_int_bytes(t.int_bytes);
  if (t.float_type) out->set_float_type(true);
  if (t.precision) out->set_precision(t.precision);
  if (t.scale) out->set_scale(t.scale);
  if (t.binary) out->set_binary(true);
  if (t.timestamp) out->set_timestamp(true);
  if (t.length) out->set_length(t.length);
}

void PutValue(const Value& v, P::Value* out) {
  switch (v.index()) {
    case 1:
      out->set_i(std::get<int64_t>(v));
      break;
    case 2:
      out->set_u(std::get<uint64_t>(v));
      break;
    case 3:
      out->set_d(std::get<double>(v));
      break;
    case 4: {
      const Decimal& d = std::get<Decimal>(v);
      char bytes[16];
      std::memcpy(bytes, &d.unscaled, 16);  // little-endian hosts only
      out->set_decimal(bytes, 16);
      out->set_decimal_scale(static_cast<uint32_t>(d.scale));
      break;
    }
    case 5:
      out->set_s(std::get<std::string>(v));
      break;
    default:
      break;  // NULL: no field
  }
}

Status PutExpr(const BoundExpr& e, P::Expr* out) {
  if (e.op == ExprOp::kSubquery)
    return NotSupportedYet("shipping a subquery inside a plan");
  out->set_op(static_cast<uint32_t>(e.op));
  PutType(e.type, out->mutable_type());
  if (e.op == ExprOp::kConst) PutValue(e.value, out->mutable_value());
  if (e.op == ExprOp::kColumn) out->set_column(static_cast<uint32_t>(e.column));
  if (e.has_else) out->set_has_else(true);
  if (e.non_constant) out->set_non_constant(true);
  if (e.op == ExprOp::kFunc) {
    out->set_func(static_cast<uint32_t>(e.func));
    if (e.aux) out->set_aux(e.aux);
  }
  for (const auto& a : e.args) XP_RETURN_IF_ERROR(PutExpr(*a, out->add_args()));
  return Status::OK();
}

void PutKey(const std::vector<Value>& key, P::Key* out) {
  for (const Value& v : key) PutValue(v, out->add_values());
}

}  // namespace

Status ToProto(const LogicalNode& n, P::Node* out) {
  out->set_kind(static_cast<uint32_t>(n.kind));
  for (const auto& c : n.children)
    XP_RETURN_IF_ERROR(ToProto(*c, out->add_children()));
  for (const DataType& t : n.types) PutType(t, out->add_types());
  switch (n.kind) {
    case NodeKind::kValues:
      for (const auto& row : n.rows) {
        P::Row* r = out->add_rows();
        for (const Value& v : row) PutValue(v, r->add_values());
      }
      break;
    case NodeKind::kTableScan:
    case NodeKind::kGet:
    case NodeKind::kRangeScan: {
      P::TableRef* t = out->mutable_table();
      t->set_database(n.table->database);
      t->set_name(n.table->name);
      t->set_version(n.table->version);
      for (int c : n.columns) out->add_columns(static_cast<uint32_t>(c));
      if (n.kind != NodeKind::kTableScan) out->set_index(n.index);
      for (const auto& k : n.keys) PutKey(k, out->add_keys());
      if (n.lower) {
        PutKey(n.lower->key, out->mutable_lower()->mutable_key());
        out->mutable_lower()->set_inclusive(n.lower->inclusive);
      }
      if (n.upper) {
        PutKey(n.upper->key, out->mutable_upper()->mutable_key());
        out->mutable_upper()->set_inclusive(n.upper->inclusive);
      }
      if (n.reverse) out->set_reverse(true);
      break;
    }
    case NodeKind::kFilter:
      XP_RETURN_IF_ERROR(PutExpr(*n.predicate, out->mutable_predicate()));
      break;
    case NodeKind::kProject:
      for (const auto& e : n.exprs)
        XP_RETURN_IF_ERROR(PutExpr(*e, out->add_exprs()));
      break;
    case NodeKind::kAggregate:
      for (int g : n.group_columns)
        out->add_group_columns(static_cast<uint32_t>(g));
      for (const AggSpec& a : n.aggs) {
        P::AggSpec* s = out->add_aggs();
        s->set_func(static_cast<uint32_t>(a.func));
        s->set_column(a.column);
        if (a.distinct) s->set_distinct(true);
        if (a.func == AggFunc::kGroupConcat) {
          s->set_separator(a.separator);
          if (a.order) s->set_order(a.order);
        }
      }
      out->set_agg_mode(static_cast<uint32_t>(n.agg_mode));
      break;
    case NodeKind::kSort:
    case NodeKind::kLimit:
      for (const SortKey& k : n.sort_keys) {
        P::SortKey* s = out->add_sort_keys();
        s->set_column(static_cast<uint32_t>(k.column));
        if (k.desc) s->set_desc(true);
      }
      if (n.limit) out->set_limit(*n.limit);
      if (n.offset) out->set_offset(n.offset);
      break;
    case NodeKind::kJoin:
      out->set_join(static_cast<uint32_t>(n.join));
      for (int k : n.probe_keys) out->add_probe_keys(static_cast<uint32_t>(k));
      for (int k : n.build_keys) out->add_build_keys(static_cast<uint32_t>(k));
      if (n.predicate)
        XP_RETURN_IF_ERROR(PutExpr(*n.predicate, out->mutable_predicate()));
      break;
    case NodeKind::kUnionAll:
      break;
    case NodeKind::kRemote:
      return NotSupportedYet("shipping a remote fragment itself");
  }
  return Status::OK();
}

std::string CanonicalBytes(const P::Node& node) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    node.SerializeToCodedStream(&coded);
  }
  return out;
}

Result<std::string> Serialize(const LogicalNode& node) {
  P::Node msg;
  XP_RETURN_IF_ERROR(ToProto(node, &msg));
  return CanonicalBytes(msg);
}

// ------------------------------------------------------------- decoding

namespace {

class Decoder {
 public:
  Decoder(const Catalog& catalog, const std::vector<Value>& params,
          const PlanLimits& limits)
      : catalog_(catalog), params_(params), limits_(limits) {}

  Result<LogicalNodePtr> Node(const P::Node& in, size_t depth);

 private:
  Status Bad(const std::string& what) const {
    return SqlError(ER_XP_BAD_PLAN, "Invalid plan: node " +
                                        std::to_string(node_) + " (" +
                                        KindName(kind_) + "): " + what);
  }
  Status Count(size_t depth) {
    if (depth > limits_.max_depth)
      return Bad("nested deeper than " + std::to_string(limits_.max_depth));
    if (++count_ > limits_.max_nodes)
      return Bad("more than " + std::to_string(limits_.max_nodes) +
                 " operators and expressions");
    return Status::OK();
  }
  Result<DataType> Type(const P::DataType& in) const;
  Result<Value> ValueOf(const P::Value& in, const DataType& t) const;
  Result<BoundExprPtr> Expr(const P::Expr& in,
                            const std::vector<DataType>& inputs, size_t depth);
  Status CheckFunc(const BoundExpr& e) const;
  Result<std::vector<Value>> KeyOf(const P::Key& in, const TableSchema& t,
                                   const IndexSchema& idx) const;
  Status Column(uint64_t c, size_t width, const char* what) const {
    if (c >= width) {
      return Bad(std::string(what) + " " + std::to_string(c) + " of " +
                 std::to_string(width) + " input columns");
    }
    return Status::OK();
  }

  const Catalog& catalog_;
  const std::vector<Value>& params_;
  const PlanLimits& limits_;
  size_t count_ = 0;
  size_t node_ = 0;  // pre-order number of the node being decoded
  uint32_t kind_ = 0;
};

Result<DataType> Decoder::Type(const P::DataType& in) const {
  DataType t;
  if (in.id() > static_cast<uint32_t>(TypeId::kTime))
    return Bad("unknown type id " + std::to_string(in.id()));
  t.id = static_cast<TypeId>(in.id());
  const uint32_t bytes = in.has_int_bytes() ? in.int_bytes() : 8;
  if (bytes != 1 && bytes != 2 && bytes != 3 && bytes != 4 && bytes != 8)
    return Bad("integer width " + std::to_string(bytes));
  t.int_bytes = static_cast<uint8_t>(bytes);
  t.float_type = in.float_type();
  if (in.precision() > 65 || in.scale() > 38)
    return Bad("precision / scale out of range");
  t.precision = static_cast<uint8_t>(in.precision());
  t.scale = static_cast<uint8_t>(in.scale());
  if (t.id == TypeId::kDecimal && t.scale > 30) return Bad("DECIMAL scale");
  if (t.is_temporal() && t.scale > 6) return Bad("fractional seconds");
  t.binary = in.binary();
  t.timestamp = in.timestamp();
  t.length = in.length();
  return t;
}

Result<Value> Decoder::ValueOf(const P::Value& in, const DataType& t) const {
  const int set = in.has_i() + in.has_u() + in.has_d() + in.has_decimal() +
                  in.has_s() + in.has_param();
  if (in.has_param() && set == 1) {
    if (in.param() >= params_.size())
      return Bad("parameter " + std::to_string(in.param()) + " of " +
                 std::to_string(params_.size()));
    if (t.id == TypeId::kNull) return Value();
    Result<Value> v = ConvertValue(params_[in.param()], t, "?");
    if (!v.ok())
      return Bad("parameter " + std::to_string(in.param()) + ": " +
                 v.status().message());
    return v;
  }
  if (set == 0) return Value();  // NULL
  if (set > 1) return Bad("a value with several alternatives");
  switch (t.phys()) {
    case PhysType::kInt64: {
      if (!in.has_i()) return Bad("value does not match " + t.ToString());
      // Temporal values within MySQL's ranges (years 0..9999, TIME within
      // +-838:59:59.999999), so no conversion of them can overflow.
      const int64_t v = in.i();
      static const int64_t kMinDay = DaysFromCivil(0, 1, 1);
      static const int64_t kMaxDay = DaysFromCivil(9999, 12, 31);
      const bool ok =
          t.id == TypeId::kDate       ? v >= kMinDay && v <= kMaxDay
          : t.id == TypeId::kDateTime ? v >= kMinDay * kMicrosPerDay &&
                                            v < (kMaxDay + 1) * kMicrosPerDay
          : t.id == TypeId::kTime ? v >= -kMaxTimeMicros && v <= kMaxTimeMicros
                                  : true;
      if (!ok) return Bad(t.ToString() + " value out of range");
      return Value(v);
    }
    case PhysType::kUInt64:
      if (!in.has_u()) return Bad("value does not match " + t.ToString());
      return Value(static_cast<uint64_t>(in.u()));
    case PhysType::kDouble:
      if (!in.has_d()) return Bad("value does not match " + t.ToString());
      return Value(in.d());
    case PhysType::kInt128: {
      if (!in.has_decimal() || in.decimal().size() != 16 ||
          in.decimal_scale() != t.scale)
        return Bad("value does not match " + t.ToString());
      Decimal d;
      std::memcpy(&d.unscaled, in.decimal().data(), 16);
      d.scale = static_cast<int>(in.decimal_scale());
      if (d.unscaled >= Pow10(38) || d.unscaled <= -Pow10(38))
        return Bad("DECIMAL value beyond 38 digits");
      return Value(d);
    }
    case PhysType::kString:
      if (!in.has_s()) return Bad("value does not match " + t.ToString());
      return Value(in.s());
    default:
      return Bad("a value of type " + t.ToString());
  }
}

// What the evaluator assumes of each scalar function: its argument count
// and the physical types it reads, and the type it writes.
Status Decoder::CheckFunc(const BoundExpr& e) const {
  const size_t n = e.args.size();
  auto phys = [&](size_t i) { return e.args[i]->type.phys(); };
  auto all = [&](size_t from, size_t to, PhysType p) {
    for (size_t i = from; i < to && i < n; ++i) {
      if (phys(i) != p) return false;
    }
    return true;
  };
  const PhysType out = e.type.phys();
  const auto S = PhysType::kString, I = PhysType::kInt64, D = PhysType::kDouble;
  bool ok = false;
  switch (e.func) {
    case Func::kConcat:
      ok = n >= 1 && all(0, n, S) && out == S;
      break;
    case Func::kSubstring:
      ok = (n == 2 || n == 3) && phys(0) == S && all(1, n, I) && out == S;
      break;
    case Func::kLength:
    case Func::kCharLength:
      ok = n == 1 && phys(0) == S && out == I;
      break;
    case Func::kUpper:
    case Func::kLower:
      ok = n == 1 && phys(0) == S && out == S;
      break;
    case Func::kTrim:
    case Func::kLTrim:
    case Func::kRTrim:
      ok = (n == 1 || n == 2) && all(0, n, S) && out == S;
      break;
    case Func::kReplace:
      ok = n == 3 && all(0, 3, S) && out == S;
      break;
    case Func::kLeft:
    case Func::kRight:
      ok = n == 2 && phys(0) == S && phys(1) == I && out == S;
      break;
    case Func::kLocate:
      ok = (n == 2 || n == 3) && all(0, 2, S) && all(2, n, I) && out == I;
      break;
    case Func::kRound:
    case Func::kTruncate:
    case Func::kFloor:
    case Func::kCeil: {
      const size_t want_max =
          e.func == Func::kFloor || e.func == Func::kCeil ? 1 : 2;
      const bool exact = e.args.empty() ? false : [&] {
        const TypeId id = e.args[0]->type.id;
        return id == TypeId::kInt || id == TypeId::kUInt ||
               id == TypeId::kDecimal;
      }();
      const bool dbl = n > 0 && e.args[0]->type.id == TypeId::kDouble;
      ok =
          n >= 1 && n <= want_max && all(1, n, I) &&
          ((dbl && e.type.id == TypeId::kDouble) ||
           (exact && (e.type.id == TypeId::kInt || e.type.id == TypeId::kUInt ||
                      e.type.id == TypeId::kDecimal)));
      break;
    }
    case Func::kPower:
      ok = n == 2 && all(0, 2, D) && out == D;
      break;
    case Func::kSqrt:
      ok = n == 1 && phys(0) == D && out == D;
      break;
    case Func::kSign:
      ok = n == 1 && e.args[0]->type.is_numeric() && out == I;
      break;
    case Func::kExtract:
      ok = n == 1 && e.args[0]->type.is_temporal() && out == I && e.aux >= 0 &&
           e.aux <= static_cast<int>(sql::IntervalUnit::kYearMonth);
      break;
    case Func::kDateAdd:
      ok = n == 2 && e.args[0]->type.is_temporal() && phys(1) == I &&
           e.type.is_temporal() && e.aux >= 0 &&
           e.aux <= static_cast<int>(sql::IntervalUnit::kYearMonth);
      break;
    case Func::kDateDiff:
      ok = n == 2 && e.args[0]->type.id == TypeId::kDate &&
           e.args[1]->type.id == TypeId::kDate && out == I;
      break;
    case Func::kReverse:
    case Func::kUnhex:
    case Func::kToBase64:
    case Func::kFromBase64:
    case Func::kMd5:
    case Func::kSha1:
      ok = n == 1 && phys(0) == S && out == S;
      break;
    case Func::kHex:
      ok = n == 1 && (phys(0) == S || phys(0) == I) && out == S;
      break;
    case Func::kCrc32:
      ok = n == 1 && phys(0) == S && out == I;
      break;
    case Func::kRepeat:
    case Func::kSha2:
      ok = n == 2 && phys(0) == S && phys(1) == I && out == S;
      break;
    case Func::kLPad:
    case Func::kRPad:
      ok = n == 3 && phys(0) == S && phys(1) == I && phys(2) == S && out == S;
      break;
    case Func::kSubstringIndex:
      ok = n == 3 && all(0, 2, S) && phys(2) == I && out == S;
      break;
    default:  // DATE(), CURDATE(), NOW() are bound as casts and constants
      ok = false;
  }
  if (!ok) return Bad("function " + ToString(e) + " has the wrong shape");
  return Status::OK();
}

Result<BoundExprPtr> Decoder::Expr(const P::Expr& in,
                                   const std::vector<DataType>& inputs,
                                   size_t depth) {
  XP_RETURN_IF_ERROR(Count(depth));
  if (!ValidWire(in.op(), P::ExprOp_IsValid))
    return Bad("unknown operator " + std::to_string(in.op()));
  const auto op = static_cast<ExprOp>(in.op());
  XP_ASSIGN_OR_RETURN(DataType type, Type(in.type()));
  std::vector<BoundExprPtr> args;
  for (const auto& a : in.args()) {
    XP_ASSIGN_OR_RETURN(BoundExprPtr b, Expr(a, inputs, depth + 1));
    args.push_back(std::move(b));
  }
  BoundExprPtr out;
  switch (op) {
    case ExprOp::kConst: {
      if (!args.empty()) return Bad("a constant with arguments");
      Value v;
      if (in.has_param()) {
        if (in.param() >= params_.size())
          return Bad("parameter " + std::to_string(in.param()) + " of " +
                     std::to_string(params_.size()));
        if (type.id == TypeId::kNull) {
          v = Value();
        } else {
          XP_SET_OR_RETURN(v, ConvertValue(params_[in.param()], type, "?"));
        }
      } else {
        XP_SET_OR_RETURN(v, ValueOf(in.value(), type));
      }
      out = MakeConst(std::move(v), type);
      break;
    }
    case ExprOp::kColumn:
      if (!args.empty()) return Bad("a column with arguments");
      XP_RETURN_IF_ERROR(Column(in.column(), inputs.size(), "column"));
      if (!(inputs[in.column()] == type))
        return Bad("column " + std::to_string(in.column()) + " is " +
                   inputs[in.column()].ToString() + ", not " + type.ToString());
      out = MakeColumn(static_cast<int>(in.column()), type);
      break;
    case ExprOp::kSubquery:
      return Bad("a subquery cannot be shipped");
    case ExprOp::kCast:
      if (args.size() != 1) return Bad("CAST takes one argument");
      if (type.id == TypeId::kNull) return Bad("CAST to NULL");
      out = MakeCast(std::move(args[0]), type);
      break;
    case ExprOp::kFunc:
      if (!ValidWire(in.func(), P::Func_IsValid))
        return Bad("unknown function");
      out = MakeFunc(static_cast<Func>(in.func()), std::move(args), type,
                     in.aux());
      XP_RETURN_IF_ERROR(CheckFunc(*out));
      break;
    default: {
      if (op == ExprOp::kLike) {
        for (const auto& a : args) {
          if (a->type.phys() != PhysType::kString)
            return Bad("LIKE of a non-string");
        }
      }
      Result<BoundExprPtr> call = MakeCall(op, std::move(args));
      if (!call.ok()) return Bad(call.status().message());
      out = std::move(*call);
      // The type the binder's rules give; details it may refine
      // (collation, display width) are taken from the plan.
      if (out->type.id != type.id || out->type.phys() != type.phys() ||
          (type.id == TypeId::kDecimal && out->type.scale != type.scale))
        return Bad(ToString(*out) + " is " + out->type.ToString() + ", not " +
                   type.ToString());
      if (out->has_else != in.has_else()) return Bad("CASE without its ELSE");
      out->type = type;
    }
  }
  out->non_constant = in.non_constant();
  return out;
}

Result<std::vector<Value>> Decoder::KeyOf(const P::Key& in,
                                          const TableSchema& t,
                                          const IndexSchema& idx) const {
  if (in.values_size() == 0 ||
      static_cast<size_t>(in.values_size()) > idx.columns.size())
    return Bad("a key of " + std::to_string(in.values_size()) +
               " values for an index of " + std::to_string(idx.columns.size()) +
               " columns");
  std::vector<Value> out;
  for (int i = 0; i < in.values_size(); ++i) {
    const DataType& ct =
        t.columns[static_cast<size_t>(idx.columns[static_cast<size_t>(i)])]
            .type;
    XP_ASSIGN_OR_RETURN(Value v, ValueOf(in.values(i), ct));
    out.push_back(std::move(v));
  }
  return out;
}

Result<LogicalNodePtr> Decoder::Node(const P::Node& in, size_t depth) {
  XP_RETURN_IF_ERROR(Count(depth));
  const size_t id = node_++;
  std::vector<LogicalNodePtr> children;
  for (const auto& c : in.children()) {
    XP_ASSIGN_OR_RETURN(LogicalNodePtr n, Node(c, depth + 1));
    children.push_back(std::move(n));
  }
  node_ = id;
  kind_ = in.kind();
  if (!ValidWire(in.kind(), P::NodeKind_IsValid))
    return Bad("unknown operator kind " + std::to_string(in.kind()));
  const auto kind = static_cast<NodeKind>(in.kind());
  size_t want = 1;
  switch (kind) {
    case NodeKind::kValues:
    case NodeKind::kTableScan:
    case NodeKind::kGet:
    case NodeKind::kRangeScan:
      want = 0;
      break;
    case NodeKind::kJoin:
      want = 2;
      break;
    case NodeKind::kUnionAll:
      want = children.empty() ? 1 : children.size();
      break;
    default:
      break;
  }
  if (children.size() != want)
    return Bad(std::to_string(children.size()) + " inputs, expected " +
               std::to_string(want));
  std::vector<DataType> types;
  for (const auto& t : in.types()) {
    XP_ASSIGN_OR_RETURN(DataType d, Type(t));
    types.push_back(d);
  }
  auto n = std::make_unique<LogicalNode>();
  n->kind = kind;
  n->children = std::move(children);
  const std::vector<DataType> none;
  const std::vector<DataType>& input =
      n->children.empty() ? none : n->children[0]->types;
  switch (kind) {
    case NodeKind::kValues: {
      if (static_cast<size_t>(in.rows_size()) > limits_.max_keys)
        return Bad("too many rows");
      for (const auto& row : in.rows()) {
        if (static_cast<size_t>(row.values_size()) != types.size())
          return Bad("a row of " + std::to_string(row.values_size()) +
                     " values for " + std::to_string(types.size()) +
                     " columns");
        std::vector<Value> r;
        for (int c = 0; c < row.values_size(); ++c) {
          XP_ASSIGN_OR_RETURN(
              Value v, ValueOf(row.values(c), types[static_cast<size_t>(c)]));
          r.push_back(std::move(v));
        }
        n->rows.push_back(std::move(r));
      }
      n->types = types;
      return LogicalNodePtr(std::move(n));
    }
    case NodeKind::kTableScan:
    case NodeKind::kGet:
    case NodeKind::kRangeScan: {
      if (!in.has_table()) return Bad("a scan without its table");
      XP_ASSIGN_OR_RETURN(
          const TableSchema* t,
          catalog_.FindTable(in.table().database(), in.table().name()));
      if (in.table().has_version() && in.table().version() != t->version) {
        return SqlError(ER_XP_STALE_SCHEMA,
                        "Stale plan: table '" + t->database + "." + t->name +
                            "' is at version " + std::to_string(t->version) +
                            ", the plan was built for version " +
                            std::to_string(in.table().version()));
      }
      n->table = t;
      for (uint32_t c : in.columns()) {
        XP_RETURN_IF_ERROR(Column(c, t->columns.size(), "table column"));
        n->columns.push_back(static_cast<int>(c));
      }
      if (n->columns.empty()) return Bad("a scan of no columns");
      n->reverse = in.reverse();
      if (kind != NodeKind::kTableScan) {
        if (in.index() < 0 ||
            static_cast<size_t>(in.index()) >= t->indexes.size())
          return Bad("index " + std::to_string(in.index()) + " of " +
                     std::to_string(t->indexes.size()));
        n->index = in.index();
        const IndexSchema& idx = t->indexes[static_cast<size_t>(in.index())];
        if (static_cast<size_t>(in.keys_size()) > limits_.max_keys)
          return Bad("too many keys");
        for (const auto& k : in.keys()) {
          XP_ASSIGN_OR_RETURN(std::vector<Value> key, KeyOf(k, *t, idx));
          n->keys.push_back(std::move(key));
        }
        if (kind == NodeKind::kGet && n->keys.empty())
          return Bad("a Get without keys");
        if (in.has_lower()) {
          XP_ASSIGN_OR_RETURN(std::vector<Value> key,
                              KeyOf(in.lower().key(), *t, idx));
          n->lower = ScanBound{std::move(key), in.lower().inclusive()};
        }
        if (in.has_upper()) {
          XP_ASSIGN_OR_RETURN(std::vector<Value> key,
                              KeyOf(in.upper().key(), *t, idx));
          n->upper = ScanBound{std::move(key), in.upper().inclusive()};
        }
      }
      break;
    }
    case NodeKind::kFilter:
      if (!in.has_predicate()) return Bad("a Filter without its predicate");
      XP_SET_OR_RETURN(n->predicate, Expr(in.predicate(), input, depth + 1));
      break;
    case NodeKind::kProject:
      // No expressions is legal: rows without columns (COUNT(*) above).
      for (const auto& e : in.exprs()) {
        XP_ASSIGN_OR_RETURN(BoundExprPtr b, Expr(e, input, depth + 1));
        n->exprs.push_back(std::move(b));
      }
      break;
    case NodeKind::kAggregate: {
      if (!ValidWire(in.agg_mode(), P::AggMode_IsValid))
        return Bad("unknown aggregation mode");
      n->agg_mode = static_cast<AggMode>(in.agg_mode());
      for (uint32_t g : in.group_columns()) {
        XP_RETURN_IF_ERROR(Column(g, input.size(), "group column"));
        n->group_columns.push_back(static_cast<int>(g));
      }
      for (const auto& a : in.aggs()) {
        if (!ValidWire(a.func(), P::AggFunc_IsValid))
          return Bad("unknown aggregate");
        AggSpec s;
        s.func = static_cast<AggFunc>(a.func());
        s.column = a.column();
        s.distinct = a.distinct();
        if (s.func == AggFunc::kCountStar) {
          if (s.column != -1) return Bad("COUNT(*) reads no column");
        } else {
          const bool two =
              n->agg_mode == AggMode::kFinal && s.func == AggFunc::kAvg;
          if (s.column < 0) return Bad("an aggregate without its column");
          XP_RETURN_IF_ERROR(Column(static_cast<uint64_t>(s.column) + two,
                                    input.size(), "aggregate column"));
        }
        if (s.distinct && n->agg_mode != AggMode::kComplete)
          return Bad("DISTINCT aggregates are complete only");
        if (s.func == AggFunc::kGroupConcat) {
          if (n->agg_mode != AggMode::kComplete)
            return Bad("GROUP_CONCAT is complete only");
          s.separator = a.has_separator() ? a.separator() : ",";
          if (a.order() < -1 || a.order() > 1) return Bad("GROUP_CONCAT order");
          s.order = a.order();
        }
        n->aggs.push_back(std::move(s));
      }
      break;
    }
    case NodeKind::kSort:
    case NodeKind::kLimit:
      for (const auto& k : in.sort_keys()) {
        XP_RETURN_IF_ERROR(Column(k.column(), input.size(), "sort column"));
        n->sort_keys.push_back(SortKey{static_cast<int>(k.column()), k.desc()});
      }
      if (kind == NodeKind::kSort && n->sort_keys.empty())
        return Bad("a Sort without keys");
      if (kind == NodeKind::kLimit &&
          (!n->sort_keys.empty() || !in.has_limit()))
        return Bad("a Limit needs a count and no keys");
      if (in.has_limit()) n->limit = in.limit();
      n->offset = in.offset();
      break;
    case NodeKind::kJoin: {
      if (!ValidWire(in.join(), P::JoinKind_IsValid))
        return Bad("unknown join kind");
      n->join = static_cast<JoinKind>(in.join());
      const auto& probe = n->children[0]->types;
      const auto& build = n->children[1]->types;
      if (in.probe_keys_size() != in.build_keys_size())
        return Bad("probe and build keys differ in number");
      for (int i = 0; i < in.probe_keys_size(); ++i) {
        XP_RETURN_IF_ERROR(Column(in.probe_keys(i), probe.size(), "probe key"));
        XP_RETURN_IF_ERROR(Column(in.build_keys(i), build.size(), "build key"));
        if (!HashJoinable(probe[in.probe_keys(i)], build[in.build_keys(i)]))
          return Bad("join keys of different types");
        n->probe_keys.push_back(static_cast<int>(in.probe_keys(i)));
        n->build_keys.push_back(static_cast<int>(in.build_keys(i)));
      }
      if (in.has_predicate()) {
        std::vector<DataType> both = probe;
        both.insert(both.end(), build.begin(), build.end());
        XP_SET_OR_RETURN(n->predicate, Expr(in.predicate(), both, depth + 1));
      }
      break;
    }
    case NodeKind::kUnionAll:
      for (const auto& c : n->children) {
        if (!(c->types == n->children[0]->types))
          return Bad("UNION ALL inputs of different types");
      }
      break;
    case NodeKind::kRemote:
      return Bad("a Remote node (CN-side only) in a shipped plan");
  }
  DeriveTypes(n.get());
  if (!types.empty() && !(types == n->types)) {
    auto list = [](const std::vector<DataType>& ts) {
      std::string out;
      for (const auto& t : ts) out += (out.empty() ? "" : ", ") + t.ToString();
      return "[" + out + "]";
    };
    return Bad("output types " + list(types) + " differ from the operator's " +
               list(n->types));
  }
  return LogicalNodePtr(std::move(n));
}

}  // namespace

Result<LogicalNodePtr> FromProto(const P::Node& in, const Catalog& catalog,
                                 const std::vector<Value>& params,
                                 const PlanLimits& limits) {
  if (params.size() > limits.max_params)
    return SqlError(ER_XP_BAD_PLAN, "Invalid plan: more than " +
                                        std::to_string(limits.max_params) +
                                        " parameters");
  Decoder d(catalog, params, limits);
  return d.Node(in, 0);
}

Result<LogicalNodePtr> Deserialize(std::string_view bytes,
                                   const Catalog& catalog,
                                   const std::vector<Value>& params,
                                   const PlanLimits& limits) {
  P::Node msg;
  if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
      !msg.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return SqlError(ER_XP_BAD_PLAN, "Invalid plan: not a Xp.Plan.Node message");
  return FromProto(msg, catalog, params, limits);
}

std::string Digest(std::string_view serialized) {
  // Two independent 64-bit FNV-1a lanes, each finished with a splitmix64
  // avalanche.
  uint64_t a = 0xcbf29ce484222325ull, b = 0x84222325cbf29ce4ull;
  for (unsigned char c : serialized) {
    a = (a ^ c) * 0x100000001b3ull;
    b = (b ^ c) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
  }
  auto mix = [](uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  };
  a = mix(a ^ serialized.size());
  b = mix(b + a);
  char hex[33];
  std::snprintf(hex, sizeof(hex), "%016llx%016llx",
                static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return std::string(hex, 32);
}

}  // namespace xp::plan
