// Plans on the wire (docs/PROTOCOL.md §9): the logical plan IR (plan/logical.h)
// to and from Xp.Plan.Node (xprotocol/proto/xprotocol_plan.proto), with
// the validation a data node runs on every plan it receives, and the
// digest that names a plan in a plan cache. docs/PROTOCOL.md §9.
//
// Decoding never trusts the bytes: every node kind, child count, column
// index, index position, key width, value type, expression arity and type
// is checked against the catalog and the rules the binder follows (a call's
// type is derived again and must match), depth and sizes are bounded, and
// a plan whose table changed since it was built is refused with a distinct
// error. A plan that passes can be lowered and run without further checks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/sql_errors.h"
#include "codec/status.h"
#include "plan/logical.h"
#include "plan/schema.h"
#include "xprotocol/proto/xprotocol_plan.pb.h"

namespace xp::plan {

inline constexpr uint32_t kPlanFormatVersion = 1;

// Errors of the plan path (codec/sql_errors.h): ER_XP_BAD_PLAN (fails
// validation), ER_XP_STALE_SCHEMA (a table's version moved),
// ER_XP_PLAN_CACHE_MISS (digest-only, unknown).

struct PlanLimits {
  size_t max_depth = 64;       // nodes and expressions, nested
  size_t max_nodes = 100'000;  // operators + expressions in one plan
  size_t max_params = 65'535;
  size_t max_keys = 1'000'000;  // Get keys, VALUES rows
};

// The IR as a message. NotSupported (1235) for what cannot be shipped: a
// subquery expression (plans run their subqueries before shipping).
Status ToProto(const LogicalNode& node, Xp::Plan::Node* out);
// Deterministic bytes of ToProto (equal plans, equal bytes).
Result<std::string> Serialize(const LogicalNode& node);
// The deterministic bytes of a plan message (what Digest() hashes).
std::string CanonicalBytes(const Xp::Plan::Node& node);

// Decodes and validates. Tables resolve in `catalog` (1146 when missing,
// ER_XP_STALE_SCHEMA when TableRef.version differs from the catalog's); a
// CONST with `param` takes params[param] (converted to the expression's
// type), so one plan serves many executions. Anything else wrong is
// ER_XP_BAD_PLAN with what and where ("node 3 (Filter): column 7 of 5").
Result<LogicalNodePtr> FromProto(const Xp::Plan::Node& in,
                                 const Catalog& catalog,
                                 const std::vector<Value>& params = {},
                                 const PlanLimits& limits = {});
Result<LogicalNodePtr> Deserialize(std::string_view bytes,
                                   const Catalog& catalog,
                                   const std::vector<Value>& params = {},
                                   const PlanLimits& limits = {});

// The plan digest: 16 bytes (hex: 32 digits) hashed from the serialized
// plan, so equal plans share a cache entry. Not a cryptographic hash.
std::string Digest(std::string_view serialized);

}  // namespace xp::plan
