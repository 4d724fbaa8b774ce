#include "tools/xplan_dump/plan_text.h"

#include "plan/expr.h"
#include "plan/logical.h"

namespace xp::tools {

namespace P = Xp::Plan;

namespace {

// The request whose parameters "?N" show the values of (may be null).
thread_local const P::ExecPlan* g_request = nullptr;

}  // namespace

std::string ScalarText(const Mysqlx::Datatypes::Scalar& s) {
  using S = Mysqlx::Datatypes::Scalar;
  switch (s.type()) {
    case S::V_SINT:
      return std::to_string(s.v_signed_int());
    case S::V_UINT:
      return std::to_string(s.v_unsigned_int());
    case S::V_DOUBLE:
      return std::to_string(s.v_double());
    case S::V_FLOAT:
      return std::to_string(s.v_float());
    case S::V_BOOL:
      return s.v_bool() ? "TRUE" : "FALSE";
    case S::V_STRING:
      return "'" + s.v_string().value() + "'";
    case S::V_OCTETS:
      return "'" + s.v_octets().value() + "'";
    default:
      return "NULL";
  }
}

namespace {

std::string ParamText(uint32_t i) {
  std::string out = "?" + std::to_string(i);
  if (g_request != nullptr &&
      static_cast<int>(i) < g_request->parameters_size())
    out += "=" + ScalarText(g_request->parameters(static_cast<int>(i)));
  return out;
}

std::string ValueText(const P::Value& v) {
  if (v.has_param()) return ParamText(v.param());
  if (v.has_i()) return std::to_string(v.i());
  if (v.has_u()) return std::to_string(v.u());
  if (v.has_d()) return std::to_string(v.d());
  if (v.has_s()) return "'" + v.s() + "'";
  if (v.has_decimal())
    return "DECIMAL(scale " + std::to_string(v.decimal_scale()) + ")";
  return "NULL";
}

std::string ExprText(const P::Expr& e) {
  if (e.op() == 0)
    return e.has_param() ? ParamText(e.param()) : ValueText(e.value());
  if (e.op() == 1) return "#" + std::to_string(e.column());
  constexpr uint32_t kOps = static_cast<uint32_t>(xp::plan::ExprOp::kIn) + 1;
  constexpr uint32_t kFuncs = static_cast<uint32_t>(xp::plan::Func::kCrc32) + 1;
  const auto op = static_cast<xp::plan::ExprOp>(e.op());
  std::string name =
      e.op() < kOps ? xp::plan::ExprOpName(op) : "op" + std::to_string(e.op());
  if (op == xp::plan::ExprOp::kFunc) {
    name = e.func() < kFuncs
               ? xp::plan::FuncName(static_cast<xp::plan::Func>(e.func()))
               : "func" + std::to_string(e.func());
  }
  if (e.args_size() == 2 && op >= xp::plan::ExprOp::kAdd &&
      op <= xp::plan::ExprOp::kXor)
    return "(" + ExprText(e.args(0)) + " " + name + " " + ExprText(e.args(1)) +
           ")";
  std::string out = name + "(";
  for (int i = 0; i < e.args_size(); ++i)
    out += (i ? ", " : "") + ExprText(e.args(i));
  return out + ")";
}

std::string KeyText(const P::Key& k) {
  std::string out = "(";
  for (int i = 0; i < k.values_size(); ++i)
    out += (i ? ", " : "") + ValueText(k.values(i));
  return out + ")";
}

void TreeLines(const P::Node& n, int depth, std::string* out) {
  std::string line(static_cast<size_t>(depth) * 2, ' ');
  constexpr uint32_t kKinds =
      static_cast<uint32_t>(xp::plan::NodeKind::kUnionAll) + 1;
  line +=
      n.kind() < kKinds
          ? xp::plan::NodeKindName(static_cast<xp::plan::NodeKind>(n.kind()))
          : "kind" + std::to_string(n.kind());
  if (n.has_table()) {
    line += " " + n.table().database() + "." + n.table().name() + " [";
    for (int i = 0; i < n.columns_size(); ++i)
      line += (i ? ", #" : "#") + std::to_string(n.columns(i));
    line += "]";
    if (n.table().has_version())
      line += " v" + std::to_string(n.table().version());
  }
  if (n.has_index()) line += " index=" + std::to_string(n.index());
  if (n.keys_size()) {
    line += " keys=";
    for (int i = 0; i < n.keys_size(); ++i)
      line += (i ? ", " : "") + KeyText(n.keys(i));
  }
  if (n.has_lower() || n.has_upper()) {
    line +=
        std::string(" ") +
        (n.has_lower()
             ? (n.lower().inclusive() ? "[" : "(") + KeyText(n.lower().key())
             : "(-inf") +
        " .. " +
        (n.has_upper()
             ? KeyText(n.upper().key()) + (n.upper().inclusive() ? "]" : ")")
             : "+inf)");
  }
  if (n.reverse()) line += " reverse";
  if (n.has_predicate()) line += " " + ExprText(n.predicate());
  for (int i = 0; i < n.exprs_size(); ++i)
    line += (i ? ", " : " ") + ExprText(n.exprs(i));
  if (n.group_columns_size() || n.aggs_size()) {
    line += " group=[";
    for (int i = 0; i < n.group_columns_size(); ++i)
      line += (i ? ", #" : "#") + std::to_string(n.group_columns(i));
    line += "] aggs=" + std::to_string(n.aggs_size()) +
            " mode=" + std::to_string(n.agg_mode());
  }
  for (int i = 0; i < n.sort_keys_size(); ++i)
    line += (i ? ", #" : " #") + std::to_string(n.sort_keys(i).column()) +
            (n.sort_keys(i).desc() ? " DESC" : "");
  if (n.has_limit()) line += " limit=" + std::to_string(n.limit());
  if (n.offset()) line += " offset=" + std::to_string(n.offset());
  for (int i = 0; i < n.probe_keys_size(); ++i)
    line += " #" + std::to_string(n.probe_keys(i)) + " = build#" +
            std::to_string(n.build_keys(i));
  if (n.rows_size()) line += " rows=" + std::to_string(n.rows_size());
  *out += line + "\n";
  for (const auto& c : n.children()) TreeLines(c, depth + 1, out);
}

}  // namespace

std::string PlanTree(const P::Node& plan, int depth,
                     const P::ExecPlan* request) {
  g_request = request;
  std::string out;
  TreeLines(plan, depth, &out);
  g_request = nullptr;
  return out;
}

}  // namespace xp::tools
