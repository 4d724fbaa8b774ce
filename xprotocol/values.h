// Helpers to build and read Mysqlx.Datatypes values (capabilities, statement
// arguments, notices).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xprotocol/proto/mysqlx_datatypes.pb.h"

namespace xp {

using Mysqlx::Datatypes::Any;
using Mysqlx::Datatypes::Scalar;

Scalar ScalarUint(uint64_t v);
Scalar ScalarSint(int64_t v);
Scalar ScalarString(std::string_view v);
Scalar ScalarOctets(std::string_view v);
Scalar ScalarBool(bool v);
Scalar ScalarDouble(double v);
Scalar ScalarNull();

Any AnyOf(const Scalar& s);
Any AnyString(std::string_view v);
Any AnyUint(uint64_t v);
Any AnyBool(bool v);
Any AnyArray(const std::vector<Any>& items);
Any AnyObject(const std::vector<std::pair<std::string, Any>>& fields);

// Reads a scalar string (V_STRING or V_OCTETS); nullopt for other types.
std::optional<std::string> AnyAsString(const Any& a);
// V_BOOL, or an integer 0/1; nullopt otherwise.
std::optional<bool> AnyAsBool(const Any& a);
// V_UINT, or a non-negative V_SINT.
std::optional<uint64_t> AnyAsUint(const Any& a);
// The value of `key` in an OBJECT, or nullptr.
const Any* ObjectField(const Any& obj, std::string_view key);

// Human-readable form: 'str', 12, true, NULL, [a, b], {k: v}. For tools/logs.
std::string AnyToString(const Any& a);
std::string ScalarToString(const Scalar& s);

}  // namespace xp
