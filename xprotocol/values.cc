#include "xprotocol/values.h"

#include <cstdio>

#include "codec/number_text.h"

namespace xp {

Scalar ScalarUint(uint64_t v) {
  Scalar s;
  s.set_type(Scalar::V_UINT);
  s.set_v_unsigned_int(v);
  return s;
}
Scalar ScalarSint(int64_t v) {
  Scalar s;
  s.set_type(Scalar::V_SINT);
  s.set_v_signed_int(v);
  return s;
}
Scalar ScalarString(std::string_view v) {
  Scalar s;
  s.set_type(Scalar::V_STRING);
  s.mutable_v_string()->set_value(std::string(v));
  return s;
}
Scalar ScalarOctets(std::string_view v) {
  Scalar s;
  s.set_type(Scalar::V_OCTETS);
  s.mutable_v_octets()->set_value(std::string(v));
  return s;
}
Scalar ScalarBool(bool v) {
  Scalar s;
  s.set_type(Scalar::V_BOOL);
  s.set_v_bool(v);
  return s;
}
Scalar ScalarDouble(double v) {
  Scalar s;
  s.set_type(Scalar::V_DOUBLE);
  s.set_v_double(v);
  return s;
}
Scalar ScalarNull() {
  Scalar s;
  s.set_type(Scalar::V_NULL);
  return s;
}

Any AnyOf(const Scalar& s) {
  Any a;
  a.set_type(Any::SCALAR);
  *a.mutable_scalar() = s;
  return a;
}
Any AnyString(std::string_view v) { return AnyOf(ScalarString(v)); }
Any AnyUint(uint64_t v) { return AnyOf(ScalarUint(v)); }
Any AnyBool(bool v) { return AnyOf(ScalarBool(v)); }

Any AnyArray(const std::vector<Any>& items) {
  Any a;
  a.set_type(Any::ARRAY);
  auto* arr = a.mutable_array();
  for (const Any& i : items) *arr->add_value() = i;
  return a;
}

Any AnyObject(const std::vector<std::pair<std::string, Any>>& fields) {
  Any a;
  a.set_type(Any::OBJECT);
  auto* obj = a.mutable_obj();
  for (const auto& [k, v] : fields) {
    auto* f = obj->add_fld();
    f->set_key(k);
    *f->mutable_value() = v;
  }
  return a;
}

std::optional<std::string> AnyAsString(const Any& a) {
  if (a.type() != Any::SCALAR) return std::nullopt;
  const Scalar& s = a.scalar();
  if (s.type() == Scalar::V_STRING && s.has_v_string()) {
    return s.v_string().value();
  }
  if (s.type() == Scalar::V_OCTETS && s.has_v_octets()) {
    return s.v_octets().value();
  }
  return std::nullopt;
}

std::optional<bool> AnyAsBool(const Any& a) {
  if (a.type() != Any::SCALAR) return std::nullopt;
  const Scalar& s = a.scalar();
  switch (s.type()) {
    case Scalar::V_BOOL:
      return s.v_bool();
    case Scalar::V_UINT:
      if (s.v_unsigned_int() <= 1) return s.v_unsigned_int() == 1;
      return std::nullopt;
    case Scalar::V_SINT:
      if (s.v_signed_int() == 0 || s.v_signed_int() == 1) {
        return s.v_signed_int() == 1;
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::optional<uint64_t> AnyAsUint(const Any& a) {
  if (a.type() != Any::SCALAR) return std::nullopt;
  const Scalar& s = a.scalar();
  if (s.type() == Scalar::V_UINT) return s.v_unsigned_int();
  if (s.type() == Scalar::V_SINT && s.v_signed_int() >= 0) {
    return static_cast<uint64_t>(s.v_signed_int());
  }
  return std::nullopt;
}

const Any* ObjectField(const Any& obj, std::string_view key) {
  if (obj.type() != Any::OBJECT) return nullptr;
  for (const auto& f : obj.obj().fld()) {
    if (f.key() == key) return &f.value();
  }
  return nullptr;
}

std::string ScalarToString(const Scalar& s) {
  switch (s.type()) {
    case Scalar::V_SINT:
      return std::to_string(s.v_signed_int());
    case Scalar::V_UINT:
      return std::to_string(s.v_unsigned_int());
    case Scalar::V_NULL:
      return "NULL";
    case Scalar::V_OCTETS:
      return "x'" + s.v_octets().value() + "'";
    case Scalar::V_DOUBLE:
      return DoubleText(s.v_double());
    case Scalar::V_FLOAT:
      return FloatText(s.v_float());
    case Scalar::V_BOOL:
      return s.v_bool() ? "true" : "false";
    case Scalar::V_STRING:
      return "'" + s.v_string().value() + "'";
  }
  return "?";
}

std::string AnyToString(const Any& a) {
  switch (a.type()) {
    case Any::SCALAR:
      return ScalarToString(a.scalar());
    case Any::ARRAY: {
      std::string out = "[";
      for (int i = 0; i < a.array().value_size(); ++i) {
        if (i) out += ", ";
        out += AnyToString(a.array().value(i));
      }
      return out + "]";
    }
    case Any::OBJECT: {
      std::string out = "{";
      for (int i = 0; i < a.obj().fld_size(); ++i) {
        if (i) out += ", ";
        out +=
            a.obj().fld(i).key() + ": " + AnyToString(a.obj().fld(i).value());
      }
      return out + "}";
    }
  }
  return "?";
}

}  // namespace xp
