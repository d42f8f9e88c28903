#pragma once

/// Messages between actors of one process that carry shared, in-memory objects (compiled
/// templates, parsed modules, model clients' requests): they are named structs like every
/// message, but they never cross a node boundary, so they are not in the msgpack catalogue and
/// CAF is told they are not serializable. Requests that may come from other nodes use catalogued
/// messages instead.

#include <cstdint>
#include <memory>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>

#include "runtime/analysis/pipeline.hpp"
#include "runtime/codegen/services.hpp"
#include "runtime/quorum/ai_quorum.hpp"
#include "runtime/quorum/vote.hpp"

namespace genflow {

// -- quorum ---------------------------------------------------------------------------

/// Asks one model for its vote; `id` names the call for withdraw_vote.
struct cast_vote {
  std::uint64_t id = 0;
  quorum::vote_request request;
};

/// A model's outcome (a vote, or why it did not take part).
struct vote_cast {
  quorum::vote_outcome outcome;
};

/// The quorum no longer needs call `id` (decided early, or stopped).
struct withdraw_vote {
  std::uint64_t id = 0;
};

/// Asks the quorum to review code; answered with a review_result.
struct review_code {
  quorum::vote_request request;
};

struct review_result {
  quorum::quorum_result result;
};

struct get_quorum_statistics {};

// -- templates ------------------------------------------------------------------------

/// Compiled templates for workers on the cache's node; answered with fetched_templates.
struct fetch_templates {
  std::vector<codegen::template_key> keys;
};

struct fetched_templates {
  /// Set when a template could not be loaded; `set` is then empty.
  std::optional<error_info> error;
  codegen::template_set set;
};

// -- validation -----------------------------------------------------------------------

/// Validates files (each parsed once, its validators in parallel); answered with
/// files_validated.
struct validate_files {
  std::vector<codegen::source_file> files;
};

struct files_validated {
  std::vector<analysis::file_validation> results;
};

/// One validator on one parsed module (for the pipeline's validator actors).
struct run_validator {
  std::shared_ptr<const analysis::python_module> module;
  analysis::validation_context context;
};

struct validator_done {
  analysis::validation_result result;
};

} // namespace genflow

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::fetch_templates)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::fetched_templates)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::validate_files)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::files_validated)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::run_validator)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::validator_done)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::cast_vote)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::vote_cast)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::withdraw_vote)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::review_code)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::review_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::get_quorum_statistics)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(genflow::quorum::quorum_statistics_snapshot)
