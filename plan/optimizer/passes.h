// The built-in optimizer passes (plan/optimizer.h), one per file in this
// directory. Each rewrites *root in place and keeps results identical.
#pragma once

#include "codec/status.h"
#include "plan/logical.h"
#include "plan/optimizer.h"

namespace xp::plan::passes {

Status ConstantFolding(LogicalNodePtr* root, const OptimizerOptions& options);
Status PredicatePushdown(LogicalNodePtr* root, const OptimizerOptions& options);
Status Decorrelation(LogicalNodePtr* root, const OptimizerOptions& options);
Status AccessPath(LogicalNodePtr* root, const OptimizerOptions& options);
Status ProjectionPruning(LogicalNodePtr* root, const OptimizerOptions& options);
Status PlanRoundtrip(LogicalNodePtr* root, const OptimizerOptions& options);

}  // namespace xp::plan::passes
