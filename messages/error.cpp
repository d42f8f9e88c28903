#include "messages/error.hpp"

namespace genflow {

std::string error_info::to_string() const {
  std::string out;
  if (!where.empty()) {
    out += where;
    out += ": ";
  }
  out += message;
  if (!code.empty()) {
    out += " [";
    out += code;
    out += ']';
  }
  return out;
}

} // namespace genflow
