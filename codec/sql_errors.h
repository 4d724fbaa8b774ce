// Every SQL error XProtocol raises, in one table (as MySQL's
// mysqld_error.h): its name, code and SQLSTATE. Codes are MySQL's (the
// names are MySQL's too) where one exists; XProtocol's own are
// 7000..7099 (docs/PROTOCOL.md §8). A code raised anywhere is listed
// here, so its SQLSTATE is spelled once; errors relayed from another node
// keep the code and state they came with (Status::SqlError).
#pragma once

#include <cstdint>
#include <string_view>

#include "codec/status.h"

// X(name, code, SQLSTATE)
#define XP_SQL_ERRORS(X)                                     \
  X(ER_CANT_CREATE_TABLE, 1005, "HY000")                     \
  X(ER_DB_CREATE_EXISTS, 1007, "HY000")                      \
  X(ER_DB_DROP_EXISTS, 1008, "HY000")                        \
  X(ER_OUT_OF_RESOURCES, 1037, "HY001")                      \
  X(ER_CON_COUNT_ERROR, 1040, "08004")                       \
  X(ER_HANDSHAKE_ERROR, 1043, "08S01")                       \
  X(ER_DBACCESS_DENIED_ERROR, 1044, "42000")                 \
  X(ER_ACCESS_DENIED_ERROR, 1045, "28000")                   \
  X(ER_NO_DB_ERROR, 1046, "3D000")                           \
  X(ER_UNKNOWN_COM_ERROR, 1047, "08S01")                     \
  X(ER_BAD_NULL_ERROR, 1048, "23000")                        \
  X(ER_BAD_DB_ERROR, 1049, "42000")                          \
  X(ER_TABLE_EXISTS_ERROR, 1050, "42S01")                    \
  X(ER_BAD_TABLE_ERROR, 1051, "42S02")                       \
  X(ER_NON_UNIQ_ERROR, 1052, "23000")                        \
  X(ER_SERVER_SHUTDOWN, 1053, "08S01")                       \
  X(ER_BAD_FIELD_ERROR, 1054, "42S22")                       \
  X(ER_TABLE_NOT_LOCKED_FOR_WRITE, 1099, "HY000")            \
  X(ER_TABLE_NOT_LOCKED, 1100, "HY000")                      \
  X(ER_UNKNOWN_TABLE, 1109, "42S02")                         \
  X(ER_WRONG_FIELD_WITH_GROUP, 1055, "42000")                \
  X(ER_WRONG_GROUP_FIELD, 1056, "42000")                     \
  X(ER_DUP_FIELDNAME, 1060, "42S21")                         \
  X(ER_DUP_KEYNAME, 1061, "42000")                           \
  X(ER_DUP_ENTRY, 1062, "23000")                             \
  X(ER_WRONG_FIELD_SPEC, 1063, "42000")                      \
  X(ER_PARSE_ERROR, 1064, "42000")                           \
  X(ER_EMPTY_QUERY, 1065, "42000")                           \
  X(ER_NONUNIQ_TABLE, 1066, "42000")                         \
  X(ER_INVALID_DEFAULT, 1067, "42000")                       \
  X(ER_MULTIPLE_PRI_KEY, 1068, "42000")                      \
  X(ER_KEY_COLUMN_DOES_NOT_EXIST, 1072, "42000")             \
  X(ER_TOO_BIG_FIELDLENGTH, 1074, "42000")                   \
  X(ER_WRONG_AUTO_KEY, 1075, "42000")                        \
  X(ER_CANT_REMOVE_ALL_FIELDS, 1090, "42000")                \
  X(ER_CANT_DROP_FIELD_OR_KEY, 1091, "42000")                \
  X(ER_NO_SUCH_THREAD, 1094, "HY000")                        \
  X(ER_KILL_DENIED_ERROR, 1095, "HY000")                     \
  X(ER_WRONG_TABLE_NAME, 1103, "42000")                      \
  X(ER_UNKNOWN_ERROR, 1105, "HY000")                         \
  X(ER_FIELD_SPECIFIED_TWICE, 1110, "42000")                 \
  X(ER_TOO_MANY_TABLES, 1116, "HY000")                       \
  X(ER_WRONG_VALUE_COUNT_ON_ROW, 1136, "21S01")              \
  X(ER_INVALID_USE_OF_NULL, 1138, "22004")                   \
  X(ER_NONEXISTING_GRANT, 1141, "42000")                     \
  X(ER_TABLEACCESS_DENIED_ERROR, 1142, "42000")              \
  X(ER_COLUMNACCESS_DENIED_ERROR, 1143, "42000")             \
  X(ER_ILLEGAL_GRANT_FOR_TABLE, 1144, "42000")               \
  X(ER_NO_SUCH_TABLE, 1146, "42S02")                         \
  X(ER_NONEXISTING_TABLE_GRANT, 1147, "42000")               \
  X(ER_NET_PACKET_TOO_LARGE, 1153, "08S01")                  \
  X(ER_NET_READ_INTERRUPTED, 1159, "08S01")                  \
  X(ER_PRIMARY_CANT_HAVE_NULL, 1171, "42000")                \
  X(ER_ERROR_DURING_COMMIT, 1180, "HY000")                   \
  X(ER_UNKNOWN_SYSTEM_VARIABLE, 1193, "HY000")               \
  X(ER_TOO_MANY_USER_CONNECTIONS, 1203, "42000")             \
  X(ER_LOCK_WAIT_TIMEOUT, 1205, "HY000")                     \
  X(ER_WRONG_ARGUMENTS, 1210, "HY000")                       \
  X(ER_LOCK_DEADLOCK, 1213, "40001")                         \
  X(ER_CANNOT_ADD_FOREIGN, 1215, "HY000")                    \
  X(ER_WRONG_USAGE, 1221, "HY000")                           \
  X(ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT, 1222, "21000")     \
  X(ER_SPECIFIC_ACCESS_DENIED_ERROR, 1227, "42000")          \
  X(ER_WRONG_VALUE_FOR_VAR, 1231, "42000")                   \
  X(ER_WRONG_TYPE_FOR_VAR, 1232, "42000")                    \
  X(ER_NOT_SUPPORTED_YET, 1235, "42000")                     \
  X(ER_WRONG_FK_DEF, 1239, "42000")                          \
  X(ER_OPERAND_COLUMNS, 1241, "21000")                       \
  X(ER_SUBQUERY_NO_1_ROW, 1242, "21000")                     \
  X(ER_UNKNOWN_STMT_HANDLER, 1243, "HY000")                  \
  X(ER_DERIVED_MUST_HAVE_ALIAS, 1248, "42000")               \
  X(ER_NOT_SUPPORTED_AUTH_MODE, 1251, "08004")               \
  X(ER_WARN_DATA_OUT_OF_RANGE, 1264, "22003")                \
  X(ER_UNKNOWN_COLLATION, 1273, "HY000")                     \
  X(ER_TRUNCATED_WRONG_VALUE, 1292, "22007")                 \
  X(ER_INVALID_ON_UPDATE, 1294, "HY000")                     \
  X(ER_SP_DOES_NOT_EXIST, 1305, "42000")                     \
  X(ER_QUERY_INTERRUPTED, 1317, "70100")                     \
  X(ER_WRONG_OBJECT, 1347, "HY000")                          \
  X(ER_VIEW_WRONG_LIST, 1353, "HY000")                       \
  X(ER_VIEW_INVALID, 1356, "HY000")                          \
  X(ER_TRG_ALREADY_EXISTS, 1359, "HY000")                    \
  X(ER_TRG_DOES_NOT_EXIST, 1360, "HY000")                    \
  X(ER_NO_DEFAULT_FOR_FIELD, 1364, "HY000")                  \
  X(ER_DIVISION_BY_ZERO, 1365, "22012")                      \
  X(ER_TRUNCATED_WRONG_VALUE_FOR_FIELD, 1366, "HY000")       \
  X(ER_PS_MANY_PARAM, 1390, "HY000")                         \
  X(ER_CANNOT_USER, 1396, "HY000")                           \
  X(ER_XAER_NOTA, 1397, "XAE04")                             \
  X(ER_XAER_RMFAIL, 1399, "XAE07")                           \
  X(ER_XA_RBROLLBACK, 1402, "XA100")                         \
  X(ER_DATA_TOO_LONG, 1406, "22001")                         \
  X(ER_CANT_CREATE_USER_WITH_GRANT, 1410, "42000")           \
  X(ER_TABLE_DEF_CHANGED, 1412, "HY000")                     \
  X(ER_TOO_BIG_SCALE, 1425, "42000")                         \
  X(ER_TOO_BIG_PRECISION, 1426, "42000")                     \
  X(ER_M_BIGGER_THAN_D, 1427, "42000")                       \
  X(ER_CONNECT_TO_FOREIGN_DATA_SOURCE, 1429, "HY000")        \
  X(ER_STACK_OVERRUN_NEED_MORE, 1436, "HY000")               \
  X(ER_ROW_IS_REFERENCED_2, 1451, "23000")                   \
  X(ER_NO_REFERENCED_ROW_2, 1452, "23000")                   \
  X(ER_MAX_PREPARED_STMT_COUNT_REACHED, 1461, "42000")       \
  X(ER_TOO_MANY_PARTITIONS_ERROR, 1499, "HY000")             \
  X(ER_UNIQUE_KEY_NEED_ALL_FIELDS_IN_PF, 1503, "HY000")      \
  X(ER_PLUGIN_IS_NOT_LOADED, 1524, "HY000")                  \
  X(ER_WRONG_VALUE, 1525, "HY000")                           \
  X(ER_DROP_INDEX_FK, 1553, "HY000")                         \
  X(ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT, 1582, "42000")        \
  X(ER_DATA_OUT_OF_RANGE, 1690, "22003")                     \
  X(ER_TRUNCATE_ILLEGAL_FK, 1701, "42000")                   \
  X(ER_MUST_CHANGE_PASSWORD, 1820, "HY000")                  \
  X(ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION, 1792, "25006") \
  X(ER_FK_NO_INDEX_PARENT, 1822, "HY000")                    \
  X(ER_FK_CANNOT_OPEN_PARENT, 1824, "HY000")                 \
  X(ER_FK_DUP_NAME, 1826, "HY000")                           \
  X(ER_FK_COLUMN_CANNOT_DROP, 1828, "HY000")                 \
  X(ER_FK_COLUMN_NOT_NULL, 1830, "HY000")                    \
  X(ER_FK_COLUMN_CANNOT_CHANGE, 1832, "HY000")               \
  X(ER_FK_COLUMN_CANNOT_CHANGE_CHILD, 1833, "HY000")         \
  X(ER_MALFORMED_PACKET, 1835, "HY000")                      \
  X(ER_MUST_CHANGE_PASSWORD_LOGIN, 1862, "HY000")            \
  X(ER_FK_DEPTH_EXCEEDED, 3008, "HY000")                     \
  X(ER_QUERY_TIMEOUT, 3024, "HY000")                         \
  X(ER_FIELD_IN_ORDER_NOT_SELECT, 3065, "HY000")             \
  X(ER_ACCOUNT_HAS_BEEN_LOCKED, 3118, "HY000")               \
  X(ER_SECURE_TRANSPORT_REQUIRED, 3159, "HY000")             \
  X(ER_UNKNOWN_AUTHID, 3523, "HY000")                        \
  X(ER_ROLE_NOT_GRANTED, 3530, "HY000")                      \
  X(ER_ROLE_GRANTED_TO_ITSELF, 3573, "HY000")                \
  X(ER_LOCK_NOWAIT, 3572, "HY000")                           \
  X(CR_PARAMS_NOT_BOUND, 2031, "HY000")                      \
  X(ER_FK_CANNOT_DROP_PARENT, 3730, "HY000")                 \
  X(ER_FK_NO_COLUMN_PARENT, 3734, "HY000")                   \
  X(ER_FK_INCOMPATIBLE_COLUMNS, 3780, "HY000")               \
  X(ER_CLIENT_INTERACTION_TIMEOUT, 4031, "HY000")            \
  X(ER_X_BAD_MESSAGE, 5000, "HY000")                         \
  X(ER_X_CAPABILITIES_PREPARE_FAILED, 5001, "HY000")         \
  X(ER_X_CAPABILITY_NOT_FOUND, 5002, "HY000")                \
  X(ER_X_INVALID_PROTOCOL_DATA, 5003, "HY000")               \
  X(ER_X_CMD_NUM_ARGUMENTS, 5015, "HY000")                   \
  X(ER_X_BAD_ARGUMENT, 5016, "HY000")                        \
  X(ER_X_INVALID_ADMIN_COMMAND, 5157, "HY000")               \
  X(ER_X_EXPECT_NOT_OPEN, 5158, "HY000")                     \
  X(ER_X_EXPECT_NO_ERROR_FAILED, 5159, "HY000")              \
  X(ER_X_EXPECT_BAD_CONDITION, 5160, "HY000")                \
  X(ER_X_INVALID_NAMESPACE, 5162, "HY000")                   \
  X(ER_X_EXPECT_FIELD_EXISTS_FAILED, 5168, "HY000")          \
  X(ER_X_COMPRESSION_INVALID_ALGORITHM, 5175, "HY000")       \
  X(ER_XP_SESSION_EXISTS, 7001, "HY000")                     \
  X(ER_XP_UNKNOWN_SESSION, 7002, "HY000")                    \
  X(ER_XP_TOO_MANY_SESSIONS, 7003, "HY000")                  \
  X(ER_XP_COMPRESSION, 7004, "HY000")                        \
  X(ER_XP_EXPECT_TOO_DEEP, 7005, "HY000")                    \
  X(ER_XP_QUERY_MEMORY, 7006, "HY000")                       \
  X(ER_XP_BAD_PLAN, 7010, "HY000")                           \
  X(ER_XP_STALE_SCHEMA, 7011, "HY000")                       \
  X(ER_XP_PLAN_CACHE_MISS, 7012, "HY000")                    \
  X(ER_XP_TXN_CONTEXT, 7013, "HY000")

namespace xp {

enum SqlErrorCode : uint32_t {
#define XP_SQL_ERROR_ENUM(name, code, state) name = code,
  XP_SQL_ERRORS(XP_SQL_ERROR_ENUM)
#undef XP_SQL_ERROR_ENUM
};

// The SQLSTATE of a listed code; "HY000" for any other.
const char* SqlStateOf(uint32_t code);
// Whether `code` is listed.
bool IsListedSqlError(uint32_t code);

// An error of a listed code, with its SQLSTATE and `message`.
Status SqlError(SqlErrorCode code, std::string_view message);

// 1235, MySQL's "This version of MySQL doesn't yet support '<what>'" (the
// text clients match on, so spelled as MySQL spells it).
Status NotSupportedYet(std::string_view what);

}  // namespace xp
