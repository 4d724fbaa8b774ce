// plan_roundtrip: ships the plan to itself — IR -> bytes -> validated IR,
// which must be the same plan (same EXPLAIN, same bytes again) — and goes
// on with what came back, as a data node would run it. Plans holding a
// subquery expression are not shippable and stay as they are. A test mode
// (the session variable xp_plan_roundtrip).
#include "plan/optimizer/passes.h"
#include "plan/serde.h"

namespace xp::plan::passes {

Status PlanRoundtrip(LogicalNodePtr* root, const OptimizerOptions& options) {
  if (!options.roundtrip || options.catalog == nullptr) return Status::OK();
  Result<std::string> bytes = Serialize(**root);
  if (!bytes.ok()) {
    if (bytes.status().sql_code() == ER_NOT_SUPPORTED_YET) return Status::OK();
    return bytes.status();
  }
  XP_ASSIGN_OR_RETURN(LogicalNodePtr decoded,
                      Deserialize(*bytes, *options.catalog));
  XP_ASSIGN_OR_RETURN(std::string again, Serialize(*decoded));
  if (again != *bytes || Explain(*decoded) != Explain(**root)) {
    return Status::Internal("plan round trip changed the plan:\n" +
                            Explain(**root) + "\nbecame\n" + Explain(*decoded));
  }
  *root = std::move(decoded);
  return Status::OK();
}

}  // namespace xp::plan::passes
