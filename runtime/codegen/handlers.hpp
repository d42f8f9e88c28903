#pragma once

/// The code-generation step handlers, one per stage of configs/workflows/codegen.yaml:
///
/// | handler          | inputs                                  | outputs                                  |
/// |------------------|-----------------------------------------|------------------------------------------|
/// | codegen.parse    | contract: path ("embedded:<path>" too)  | contract_sha256, name, node_type, path,  |
/// |                  |                                         | package_root, file_count                 |
/// | codegen.render   | stage: models, node or tests            | files: [{path, content, template_id,     |
/// |                  | (upstream: the parse step)              |          template_sha256}]               |
/// | codegen.validate | on_failure: fail or warn                | passed, score, validators, file_results, |
/// |                  | (upstream: parse + render steps)        | quorum (consensus, votes, cost)          |
/// | codegen.package  | out: directory; durable: fsync each file| package_dir, manifest, written, unchanged|
/// |                  | (upstream: parse, render, validate)     |                                          |
///
/// A parsed contract travels once: the parse step keeps it in the node's `contract_store` under
/// its content hash and later steps look it up (parsing it again only when they run on a node
/// that has not seen it). Templates come from the template service (the cache actor), validation
/// and review from the validator actors and the quorum; file reads and writes run on the
/// blocking pool.

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "messages/expected.hpp"
#include "runtime/contracts/contract.hpp"
#include "runtime/workflow/step_handler.hpp"

namespace genflow::codegen {

/// Parsed contracts by content hash, with their render context (computed once). Thread-safe:
/// shared by every worker of a node.
class contract_store {
public:
  struct entry {
    contracts::contract contract;
    value context;
  };

  /// Parses `text` (from `path`) unless a contract with its hash is stored; the stored entry or
  /// every parse error (joined, one per line).
  expected<std::shared_ptr<const entry>> parse(const std::string& text, const std::string& path,
                                               const std::string& sha256);

  std::shared_ptr<const entry> find(const std::string& sha256) const;

private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const entry>> entries_; // protected by mutex_
};

/// Reads a contract from disk or, for "embedded:<path>", from the binary's embedded configs.
expected<std::string> read_contract_text(const std::string& path);

/// Registers codegen.parse, codegen.render, codegen.validate and codegen.package.
void add_codegen_handlers(workflow::handler_registry& registry,
                          std::shared_ptr<contract_store> store);

} // namespace genflow::codegen
