#pragma once

/// What the code-generation handlers need from the node they run on, as asynchronous
/// interfaces: compiled templates (the template cache), validation (the validator actors) and
/// review (the AI quorum). The step worker implements them with requests to those actors; the
/// continuation runs back on the worker, so handlers stay single-threaded and never block.
///
/// A handler finds a service through `step_services::service<T>()`; a node without the service
/// returns nullptr and the handler fails its step with a clear error.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "messages/expected.hpp"
#include "runtime/analysis/pipeline.hpp"
#include "runtime/quorum/ai_quorum.hpp"
#include "runtime/templating/environment.hpp"

namespace genflow::codegen {

struct template_key {
  std::string id;
  /// The template type (a node type, or "shared"), which selects `<dir>/<type>/<id>.j2`.
  std::string type;
};

/// A template as the cache hands it out: compiled once, shared, immutable.
struct template_handle {
  std::string id;
  std::shared_ptr<const templating::compiled_template> compiled;
  std::string sha256;
};

/// Compiled templates in the order asked, and the environment to render them with (thread-safe
/// for rendering; it resolves includes).
struct template_set {
  std::vector<template_handle> templates;
  std::shared_ptr<const templating::environment> environment;
};

class template_service {
public:
  virtual ~template_service() = default;
  /// Fetches every template of `keys` (one request); an error names the first missing one.
  virtual void fetch(std::vector<template_key> keys,
                     std::function<void(expected<template_set>)> done) = 0;
  /// Compiles the templates of `keys` ahead of their first fetch and answers nothing: a
  /// template that cannot be loaded fails the fetch that needs it.
  virtual void preload(std::vector<template_key> keys) = 0;
};

/// One generated source file to validate, with what it is expected to be (the node file gets
/// the contract's context; models and tests get an empty one: quality and security only).
struct source_file {
  std::string path;
  std::string content;
  analysis::validation_context context;
};

class validation_service {
public:
  virtual ~validation_service() = default;
  /// Validates every file (each parsed once, its validators in parallel); results in the
  /// order of `files`.
  virtual void validate(std::vector<source_file> files,
                        std::function<void(expected<std::vector<analysis::file_validation>>)> done) = 0;
};

class review_service {
public:
  virtual ~review_service() = default;
  /// Reviews code with the AI quorum.
  virtual void review(quorum::vote_request request,
                      std::function<void(expected<quorum::quorum_result>)> done) = 0;
};

} // namespace genflow::codegen
