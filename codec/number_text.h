// Floating-point numbers as MySQL 8 prints them (text results, CAST to
// strings, DECIMAL conversion): the shortest digits that read back as the
// same value, in fixed notation while the decimal exponent is within
// -15..14 (0.000000000000001, 100000000000000) and in scientific notation
// beyond, with a bare exponent (1e15, 2.3e-16). FLOAT values take the
// shortest digits of the float.
#pragma once

#include <string>

namespace xp {

std::string DoubleText(double v);
std::string FloatText(float v);

}  // namespace xp
