#include "cn/dml/row_router.h"

#include <algorithm>

#include "cn/planner/fragment_sql.h"
#include "codec/sql_errors.h"

namespace xp::cn {

namespace {

bool IsZero(const plan::Value& v) {
  return (v.index() == 1 && std::get<int64_t>(v) == 0) ||
         (v.index() == 2 && std::get<uint64_t>(v) == 0);
}

size_t ValueBytes(const std::optional<plan::Value>& v) {
  if (!v) return 8;
  if (const auto* s = std::get_if<std::string>(&*v)) return s->size() + 3;
  return 21;
}

}  // namespace

Status RowRouter::Number(std::vector<plan::InsertRow>* rows, uint64_t* first) {
  int auto_col = -1;
  for (size_t i = 0; i < t_.columns.size(); ++i)
    if (t_.columns[i].auto_increment) auto_col = static_cast<int>(i);
  if (auto_col < 0) return Status::OK();
  const auto& col = t_.columns[static_cast<size_t>(auto_col)];
  std::vector<size_t> need;
  std::vector<int64_t> given;  // explicit values, observed once numbered
  for (size_t r = 0; r < rows->size(); ++r) {
    std::optional<plan::Value>& v = (*rows)[r][static_cast<size_t>(auto_col)];
    if (v && v->index() != 0) {
      XP_ASSIGN_OR_RETURN(plan::Value conv,
                          plan::ConvertValue(*v, col.type, col.name));
      if (!IsZero(conv)) {
        if (conv.index() == 1) {
          given.push_back(std::get<int64_t>(conv));
        } else if (conv.index() == 2 &&
                   std::get<uint64_t>(conv) <= uint64_t{INT64_MAX}) {
          given.push_back(static_cast<int64_t>(std::get<uint64_t>(conv)));
        }
        continue;
      }
    }
    need.push_back(r);
  }
  // As InnoDB: the statement's generated values are one range taken up
  // front; explicit values in it move the counter on for later statements.
  if (!need.empty()) {
    XP_ASSIGN_OR_RETURN(int64_t next,
                        store_->NextAutoIncrement(t_, need.size()));
    if (*first == 0) *first = static_cast<uint64_t>(next);
    for (size_t r : need)
      (*rows)[r][static_cast<size_t>(auto_col)].emplace(int64_t{next++});
  }
  for (int64_t v : given) store_->ObserveAutoIncrement(t_, v);
  return Status::OK();
}

Result<plan::Value> RowRouter::Stored(const plan::InsertRow& row, int c,
                                      const char* what) const {
  const auto& col = t_.columns[static_cast<size_t>(c)];
  const std::optional<plan::Value>& given = row[static_cast<size_t>(c)];
  if (!given && col.default_now)
    return NotSupportedYet(std::string("a ") + what +
                           " column defaulting to CURRENT_TIMESTAMP");
  const plan::Value v =
      given ? *given : (col.default_value ? *col.default_value : plan::Value());
  return plan::ConvertValue(v, col.type, col.name);
}

Result<size_t> RowRouter::PartitionOfRow(const plan::InsertRow& row) {
  if (p_.kind == Placement::Kind::kBroadcast) return size_t{0};
  if (p_.kind != Placement::Kind::kHash || p_.columns.empty())
    return store_->NextRoundRobin() % p_.partitions();
  return PartitionOfKey(t_, p_.columns, p_.partitions(),
                        [&](int c) { return Stored(row, c, "partition key"); });
}

Result<plan::InsertRow> RowRouter::IndexImage(
    const plan::InsertRow& row) const {
  plan::InsertRow image(t_.columns.size());
  for (const GlobalIndex& g : p_.global)
    for (const std::vector<int>* list : {&g.columns, &g.rest})
      for (int c : *list) {
        if (image[static_cast<size_t>(c)]) continue;
        XP_ASSIGN_OR_RETURN(plan::Value v, Stored(row, c, "global index key"));
        image[static_cast<size_t>(c)] = std::move(v);
      }
  return image;
}

Status RowRouter::Add(plan::InsertRow row) {
  XP_ASSIGN_OR_RETURN(size_t part, PartitionOfRow(row));
  if (!p_.global.empty()) {
    XP_ASSIGN_OR_RETURN(plan::InsertRow image, IndexImage(row));
    images_.push_back(std::move(image));
  }
  for (const auto& v : row) bytes_ += ValueBytes(v);
  if (p_.kind == Placement::Kind::kBroadcast) {
    for (size_t q = 0; q + 1 < p_.partitions(); ++q) rows_[q].push_back(row);
    part = p_.partitions() - 1;
  }
  rows_[part].push_back(std::move(row));
  return Status::OK();
}

sql::InsertStatement RowRouter::Statement(size_t part, bool replace,
                                          bool ignore) const {
  auto it = rows_.find(part);
  static const std::vector<plan::InsertRow> kNone;
  return InsertRowsStatement(t_, p_.name[part],
                             it == rows_.end() ? kNone : it->second, replace,
                             ignore);
}

sql::InsertStatement InsertRowsStatement(
    const plan::TableSchema& t, const std::string& phys,
    const std::vector<plan::InsertRow>& rows, bool replace, bool ignore) {
  std::vector<std::string> names;
  for (const auto& col : t.columns) names.push_back(col.name);
  sql::InsertStatement s = InsertInto(t.database, phys, names, replace, ignore);
  s.rows.reserve(rows.size());
  for (const plan::InsertRow& row : rows) {
    std::vector<sql::ExprPtr> exprs;
    exprs.reserve(row.size());
    for (const auto& v : row) {
      if (v) {
        exprs.push_back(ValueExpr(*v));
      } else {
        auto d = std::make_unique<sql::Expr>();
        d->kind = sql::ExprKind::kDefault;
        exprs.push_back(std::move(d));
      }
    }
    s.rows.push_back(std::move(exprs));
  }
  return s;
}

}  // namespace xp::cn
