#pragma once

/// The message catalogue: every type that travels between actors, in one list. The CAF adapter
/// (caf_types.hpp) registers exactly these, under the names "genflow.<type>", and the tests
/// round-trip each one — a type cannot be forgotten.
///
/// To add a message: define the struct (MSGPACK_DEFINE_ARRAY) in a header here, include it
/// below, add one X(...) line, and give the round-trip test a sample.

#include "messages/execution.hpp"
#include "messages/profiling.hpp"
#include "messages/templates.hpp"
#include "messages/workflow.hpp"

/// X-macro over every message type (unqualified names in namespace genflow).
#define GENFLOW_MESSAGE_TYPES(X)                                                                   \
  X(run_workflow)                                                                                  \
  X(set_max_parallel)                                                                              \
  X(get_run_progress)                                                                              \
  X(run_progress)                                                                                  \
  X(step_lease)                                                                                    \
  X(cancel_step)                                                                                   \
  X(step_report)                                                                                   \
  X(workflow_result)                                                                               \
  X(get_executor_statistics)                                                                       \
  X(executor_statistics)                                                                           \
  X(span_batch)                                                                                    \
  X(profile_query)                                                                                 \
  X(profile_report)                                                                                \
  X(load_template)                                                                                 \
  X(template_info)                                                                                 \
  X(render_template)                                                                               \
  X(rendered_template)                                                                             \
  X(preload_templates)                                                                             \
  X(preload_report)                                                                                \
  X(invalidate_template)                                                                           \
  X(clear_templates)                                                                               \
  X(resize_template_cache)                                                                         \
  X(template_ack)                                                                                  \
  X(get_template_statistics)                                                                       \
  X(template_statistics)

namespace genflow {

/// The wire name of a catalogued type.
template <class T>
inline constexpr const char* message_name = nullptr;

#define GENFLOW_MESSAGE_NAME(type) template <> inline constexpr const char* message_name<type> = "genflow." #type;
GENFLOW_MESSAGE_TYPES(GENFLOW_MESSAGE_NAME)
#undef GENFLOW_MESSAGE_NAME

template <class T>
inline constexpr bool is_catalogued = message_name<T> != nullptr;

} // namespace genflow
