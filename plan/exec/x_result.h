// A result in X Protocol form (docs/PROTOCOL.md §9): a column's metadata
// and a cell's Row-message field encoding (codec/xrow.h), the same for
// every node that sends results (the DN's reply sink, test fakes of a DN).
#pragma once

#include <string>

#include "codec/status.h"
#include "plan/exec/vector.h"
#include "plan/types/data_type.h"
#include "xprotocol/proto/mysqlx_resultset.pb.h"

namespace xp::exec {

// The result metadata of a column of `type` named `name`.
Mysqlx::Resultset::ColumnMetaData ColumnMetaDataFor(const std::string& name,
                                                    const plan::DataType& type);

// Appends row `i` of `v` (of type `t`, not NULL there) to *out as a Row
// message field.
Status EncodeXCell(const Vector& v, const plan::DataType& t, size_t i,
                   std::string* out);

}  // namespace xp::exec
