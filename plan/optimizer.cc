// The optimizer's registry (plan/optimizer.h): runs the passes of
// plan/optimizer/ in order, timing each and checking the plan after it.
#include "plan/optimizer.h"

#include <algorithm>
#include <chrono>

#include "plan/optimizer/passes.h"

namespace xp::plan {

namespace {

using PassFn = Status (*)(LogicalNodePtr*, const OptimizerOptions&);

struct Pass {
  PassInfo info;
  PassFn run;
};

const std::vector<Pass>& Registry() {
  static const std::vector<Pass> kPasses = {
      {{"constant_folding", "constant subexpressions become values"},
       passes::ConstantFolding},
      {{"predicate_pushdown", "filters move toward the scans"},
       passes::PredicatePushdown},
      {{"decorrelation", "uncorrelated IN / EXISTS become semi joins"},
       passes::Decorrelation},
      {{"access_path", "Get / RangeScan from key predicates"},
       passes::AccessPath},
      {{"projection_pruning", "scans read only the columns used"},
       passes::ProjectionPruning},
      {{"plan_roundtrip", "the plan goes through its wire form and back"},
       passes::PlanRoundtrip},
  };
  return kPasses;
}

// Runs one pass: timed when asked, the plan checked after it.
template <class F>
Status RunPass(const std::string& name, const F& run, LogicalNodePtr* root,
               const OptimizerOptions& options) {
  const auto start = options.timings ? std::chrono::steady_clock::now()
                                     : std::chrono::steady_clock::time_point();
  XP_RETURN_IF_ERROR(run(root));
  if (options.timings) {
    options.timings->push_back(
        {name, std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count()});
  }
  Status st = CheckPlan(**root);
  if (!st.ok()) {
    return Status::Internal("optimizer pass " + name +
                            " left an inconsistent plan: " + st.message());
  }
  return Status::OK();
}

}  // namespace

const std::vector<PassInfo>& OptimizerPasses() {
  static const std::vector<PassInfo> kInfo = [] {
    std::vector<PassInfo> v;
    for (const Pass& p : Registry()) v.push_back(p.info);
    return v;
  }();
  return kInfo;
}

Status Optimize(LogicalNodePtr* root, const OptimizerOptions& options) {
  auto disabled = [&options](const std::string& name) {
    return std::find(options.disabled.begin(), options.disabled.end(), name) !=
           options.disabled.end();
  };
  for (const Pass& p : Registry()) {
    if (disabled(p.info.name)) continue;
    XP_RETURN_IF_ERROR(RunPass(
        p.info.name, [&](LogicalNodePtr* r) { return p.run(r, options); }, root,
        options));
  }
  for (const OptimizerExtension& e : options.extensions) {
    XP_RETURN_IF_ERROR(RunPass(e.name, e.run, root, options));
  }
  return Status::OK();
}

}  // namespace xp::plan
