// Plans as text for people (xplan-dump): an indented operator tree with the
// request's parameters substituted.
#pragma once

#include <string>

#include "xprotocol/proto/xprotocol_plan.pb.h"

namespace xp::tools {

// One line per operator, children indented two spaces per level below
// `depth`; "?N" parameters show their value from `request` when given.
std::string PlanTree(const Xp::Plan::Node& plan, int depth,
                     const Xp::Plan::ExecPlan* request = nullptr);
// A shown value of a parameter ("5", "'x'", "NULL").
std::string ScalarText(const Mysqlx::Datatypes::Scalar& s);

}  // namespace xp::tools
