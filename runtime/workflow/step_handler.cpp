#include "runtime/workflow/step_handler.hpp"

#include <algorithm>

namespace genflow::workflow {

const value& step_invocation::upstream_outputs(std::string_view step_id) const noexcept {
  for (const auto& up : upstream)
    if (up.step_id == step_id)
      return up.outputs;
  return value::null_value();
}

step_outcome step_outcome::success(value outputs) {
  step_outcome out;
  out.outputs = std::move(outputs);
  return out;
}

step_outcome step_outcome::failure(error_info error) {
  step_outcome out;
  out.error = std::move(error);
  return out;
}

void* step_services::find_service(const std::type_info&) noexcept {
  return nullptr;
}

std::optional<input_problem> step_handler::check_inputs(const value&) const {
  return std::nullopt;
}

void handler_registry::add(std::shared_ptr<const step_handler> handler) {
  for (auto& h : handlers_)
    if (h->name() == handler->name()) {
      h = std::move(handler);
      return;
    }
  handlers_.push_back(std::move(handler));
}

const step_handler* handler_registry::find(std::string_view name) const noexcept {
  for (const auto& h : handlers_)
    if (h->name() == name)
      return h.get();
  return nullptr;
}

std::vector<std::string> handler_registry::names() const {
  std::vector<std::string> out;
  for (const auto& h : handlers_)
    out.emplace_back(h->name());
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace genflow::workflow
