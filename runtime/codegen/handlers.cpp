#include "runtime/codegen/handlers.hpp"

#include <algorithm>
#include <chrono>

#include "runtime/analysis/validation.hpp"
#include "runtime/codegen/package_writer.hpp"
#include "runtime/codegen/plan.hpp"
#include "runtime/codegen/services.hpp"
#include "runtime/contracts/contract_parser.hpp"
#include "runtime/io/embedded_files.hpp"
#include "runtime/io/files.hpp"

namespace genflow::codegen {

namespace {

using clock_type = std::chrono::steady_clock;
using workflow::step_completion;
using workflow::step_invocation;
using workflow::step_outcome;
using workflow::step_services;

constexpr std::string_view embedded_prefix = "embedded:";

error_info step_error(std::string code, std::string message, const step_invocation& inv) {
  return error_info{std::move(code), std::move(message), inv.step_id, false};
}

timing_span span(std::string operation, const step_services& services,
                 const step_invocation& inv, clock_type::time_point start) {
  auto unix_now = std::chrono::system_clock::now().time_since_epoch();
  auto took = clock_type::now() - start;
  timing_span s;
  s.operation = std::move(operation);
  s.node = services.worker_name();
  s.correlation_id = inv.correlation_id;
  s.start_unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(unix_now - took).count();
  s.duration = std::chrono::duration_cast<std::chrono::nanoseconds>(took);
  return s;
}

/// The parse step's outputs among the upstream ones (the one carrying a contract hash).
const value* find_parse_output(const step_invocation& inv) {
  for (const auto& up : inv.upstream)
    if (up.outputs.find("contract_sha256"))
      return &up.outputs;
  return nullptr;
}

/// The stored contract the parse step produced, parsing it again when this node has not seen
/// it (another node ran the parse step).
expected<std::shared_ptr<const contract_store::entry>>
contract_of(const step_invocation& inv, contract_store& store) {
  const auto* parsed = find_parse_output(inv);
  if (!parsed)
    return step_error("codegen.no_contract",
                      "this step needs a codegen.parse step among its dependencies", inv);
  auto sha = parsed->get_string("contract_sha256");
  if (auto found = store.find(sha))
    return found;
  auto path = parsed->get_string("path");
  auto text = read_contract_text(path);
  if (!text)
    return text.error();
  if (io::sha256_hex(*text) != sha)
    return step_error("codegen.contract_changed",
                      "contract " + path + " changed while the workflow ran", inv);
  return store.parse(*text, path, sha);
}

/// Every generated file among the upstream outputs, in dependency order.
std::vector<generated_file> upstream_files(const step_invocation& inv) {
  std::vector<generated_file> out;
  for (const auto& up : inv.upstream) {
    const auto* files = up.outputs.find("files");
    if (!files || !files->is_array())
      continue;
    for (const auto& f : files->as_array())
      if (f.find("content"))
        out.push_back(generated_file{f.get_string("path"), f.get_string("content"),
                                   f.get_string("template_id"), f.get_string("template_sha256")});
  }
  return out;
}

std::string contract_summary(const contracts::contract& c) {
  std::string out = c.name + " (" + std::string{contracts::to_string(c.type)} + " node, version "
                    + c.version.dotted() + "): " + c.description;
  if (!c.io_operations.empty()) {
    out += " I/O operations:";
    for (const auto& op : c.io_operations)
      out += " " + op.name + (op.description.empty() ? "" : " (" + op.description + ")") + ";";
  }
  auto mixins = c.enabled_mixins();
  if (!mixins.empty()) {
    out += " Mixins:";
    for (const auto& m : mixins)
      out += " " + m;
    out += ".";
  }
  return out;
}

// -- codegen.parse ----------------------------------------------------------------------

class parse_handler final : public workflow::step_handler {
public:
  explicit parse_handler(std::shared_ptr<contract_store> store) : store_(std::move(store)) {}

  std::string_view name() const noexcept override { return "codegen.parse"; }
  std::string_view summary() const noexcept override {
    return "reads and checks an ONEX contract (inputs.contract: path)";
  }
  std::optional<workflow::input_problem> check_inputs(const value& inputs) const override {
    if (!inputs.get("contract").is_string() || inputs.get_string("contract").empty())
      return workflow::input_problem{"contract", "'contract' must be a contract file path"};
    return std::nullopt;
  }

  void start(const step_invocation& inv, step_services& services,
             step_completion done) const override {
    // The package's templates, known once the contract is parsed: the template cache compiles
    // them while the other contracts are parsed, not when the render stages first need them.
    auto templates = std::make_shared<std::vector<template_key>>();
    services.run_blocking(
      [store = store_, path = inv.inputs.get_string("contract"), inv, &services, templates]() {
        auto t0 = clock_type::now();
        auto text = read_contract_text(path);
        if (!text)
          return step_outcome::failure(text.error());
        auto sha = io::sha256_hex(*text);
        auto entry = store->parse(*text, path, sha);
        if (!entry)
          return step_outcome::failure(entry.error());
        const auto& c = (*entry)->contract;
        auto files = plan_package(c);
        for (const auto& f : files)
          templates->push_back(template_key{f.template_id, f.template_type});
        auto out = step_outcome::success(value::object_type{
          {"contract_sha256", sha},
          {"path", path},
          {"name", c.name},
          {"node_type", std::string{contracts::to_string(c.type)}},
          {"version", c.version.dotted()},
          {"package_root", package_root(c)},
          {"file_count", files.size()},
        });
        out.spans.push_back(span("codegen.parse", services, inv, t0));
        return out;
      },
      [templates, &services, done = std::move(done)](step_outcome out) {
        if (auto* cache = services.service<template_service>(); cache && !templates->empty())
          cache->preload(std::move(*templates));
        done(std::move(out));
      });
  }

private:
  std::shared_ptr<contract_store> store_;
};

// -- codegen.render ---------------------------------------------------------------------

std::optional<generation_stage> parse_stage(std::string_view s) {
  if (s == "models")
    return generation_stage::models;
  if (s == "node")
    return generation_stage::node;
  if (s == "tests")
    return generation_stage::tests;
  return std::nullopt;
}

class render_handler final : public workflow::step_handler {
public:
  explicit render_handler(std::shared_ptr<contract_store> store) : store_(std::move(store)) {}

  std::string_view name() const noexcept override { return "codegen.render"; }
  std::string_view summary() const noexcept override {
    return "renders one generation stage's files (inputs.stage: models, node or tests)";
  }
  std::optional<workflow::input_problem> check_inputs(const value& inputs) const override {
    if (!parse_stage(inputs.get_string("stage")))
      return workflow::input_problem{"stage", "'stage' must be models, node or tests"};
    return std::nullopt;
  }

  void start(const step_invocation& inv, step_services& services,
             step_completion done) const override {
    auto* templates = services.service<template_service>();
    if (!templates) {
      done(step_outcome::failure(
        step_error("codegen.no_templates", "this node has no template cache", inv)));
      return;
    }
    auto entry = contract_of(inv, *store_);
    if (!entry) {
      done(step_outcome::failure(entry.error()));
      return;
    }
    auto stage = *parse_stage(inv.inputs.get_string("stage"));
    auto plan = plan_stage((*entry)->contract, stage);
    std::vector<template_key> keys;
    for (const auto& f : plan)
      keys.push_back(template_key{f.template_id, f.template_type});
    auto t0 = clock_type::now();
    templates->fetch(std::move(keys), [entry = *entry, plan = std::move(plan), inv, &services,
                                       done = std::move(done), t0](expected<template_set> set) {
      if (!set) {
        auto err = set.error();
        if (err.where.empty())
          err.where = inv.step_id;
        done(step_outcome::failure(std::move(err)));
        return;
      }
      std::vector<timing_span> spans;
      spans.push_back(span("template.fetch", services, inv, t0));
      value files = value::array_type{};
      for (std::size_t i = 0; i < plan.size(); ++i) {
        const auto& f = plan[i];
        const auto& tpl = set->templates[i];
        auto r0 = clock_type::now();
        auto text = set->environment->render(*tpl.compiled, file_context(entry->context, f));
        spans.push_back(span("template.render", services, inv, r0));
        if (!text) {
          auto err = text.error();
          err.message = "rendering " + f.path + ": " + err.message;
          done(step_outcome::failure(std::move(err)));
          return;
        }
        files.push_back(value::object_type{{"path", f.path},
                                           {"content", std::move(*text)},
                                           {"template_id", f.template_id},
                                           {"template_sha256", tpl.sha256}});
      }
      auto out = step_outcome::success(value::object_type{{"files", std::move(files)}});
      out.spans = std::move(spans);
      done(std::move(out));
    });
  }

private:
  std::shared_ptr<contract_store> store_;
};

// -- codegen.validate -------------------------------------------------------------------

value findings_value(const std::vector<analysis::finding>& xs, const std::string& path) {
  value out = value::array_type{};
  for (const auto& f : xs) {
    value v = value::object_type{{"file", path},
                                 {"rule", f.rule},
                                 {"severity", std::string{analysis::to_string(f.severity)}},
                                 {"line", f.line},
                                 {"column", f.column},
                                 {"message", f.message}};
    if (!f.suggestion.empty())
      v.set("suggestion", f.suggestion);
    out.push_back(std::move(v));
  }
  return out;
}

value quorum_value(const quorum::quorum_result& r) {
  value votes = value::array_type{};
  for (const auto& o : r.outcomes) {
    value v = value::object_type{{"model", o.model_id},
                                 {"participated", o.participated()},
                                 {"duration_ms", std::chrono::duration<double, std::milli>(o.duration).count()},
                                 {"tokens_in", o.tokens.input},
                                 {"tokens_out", o.tokens.output},
                                 {"cost_usd", o.cost_usd},
                                 {"attempts", o.attempts}};
    if (o.participated()) {
      v.set("vote", o.vote ? "pass" : "fail");
      v.set("confidence", o.confidence);
      v.set("reasoning", o.reasoning);
    } else {
      v.set("error", o.error->to_string());
    }
    votes.push_back(std::move(v));
  }
  value warnings = value::array_type{};
  for (const auto& w : r.warnings)
    warnings.push_back(w);
  value out = value::object_type{
    {"outcome", std::string{quorum::to_string(r.verdict.outcome)}},
    {"passed", r.verdict.passed()},
    {"consensus", r.verdict.consensus},
    {"pass_threshold", r.verdict.pass_threshold},
    {"participating_weight", r.verdict.participating_weight},
    {"total_weight", r.verdict.total_weight},
    {"decided_early", r.verdict.decided_early},
    {"duration_ms", std::chrono::duration<double, std::milli>(r.duration).count()},
    {"tokens_in", r.tokens.input},
    {"tokens_out", r.tokens.output},
    {"cost_usd", r.cost_usd},
    {"votes", std::move(votes)},
    {"warnings", std::move(warnings)},
  };
  if (r.error)
    out.set("error", r.error->to_string());
  return out;
}

class validate_handler final : public workflow::step_handler {
public:
  explicit validate_handler(std::shared_ptr<contract_store> store) : store_(std::move(store)) {}

  std::string_view name() const noexcept override { return "codegen.validate"; }
  std::string_view summary() const noexcept override {
    return "validates generated Python with the validators, then the AI quorum "
           "(inputs.on_failure: fail or warn)";
  }
  std::optional<workflow::input_problem> check_inputs(const value& inputs) const override {
    auto policy = inputs.get_string("on_failure", "fail");
    if (policy != "fail" && policy != "warn")
      return workflow::input_problem{"on_failure", "'on_failure' must be fail or warn"};
    return std::nullopt;
  }

  void start(const step_invocation& inv, step_services& services,
             step_completion done) const override {
    auto* validation = services.service<validation_service>();
    if (!validation) {
      done(step_outcome::failure(
        step_error("codegen.no_validators", "this node has no validator actors", inv)));
      return;
    }
    auto entry = contract_of(inv, *store_);
    if (!entry) {
      done(step_outcome::failure(entry.error()));
      return;
    }
    const auto& c = (*entry)->contract;
    std::vector<source_file> files;
    std::string node_path;
    for (auto& f : upstream_files(inv)) {
      if (f.path.size() < 3 || f.path.compare(f.path.size() - 3, 3, ".py") != 0)
        continue;
      source_file s{f.path, std::move(f.content), {}};
      if (f.path == "node.py") {
        s.context = analysis::make_validation_context(c);
        node_path = f.path;
      }
      files.push_back(std::move(s));
    }
    if (node_path.empty()) {
      done(step_outcome::failure(step_error(
        "codegen.no_node_file", "no node.py among the generated files to validate", inv)));
      return;
    }
    auto warn_only = inv.inputs.get_string("on_failure", "fail") == "warn";
    auto node_code = files[0].content;
    for (const auto& f : files)
      if (f.path == node_path)
        node_code = f.content;
    auto request = quorum::vote_request{};
    request.correlation_id = inv.correlation_id;
    request.node_type = std::string{contracts::to_string(c.type)};
    request.contract_summary = contract_summary(c);
    request.code = std::move(node_code);
    auto* review = services.service<review_service>();
    auto t0 = clock_type::now();
    validation->validate(
      std::move(files),
      [inv, &services, review, request = std::move(request), warn_only, node_path,
       done = std::move(done), t0](expected<std::vector<analysis::file_validation>> results) mutable {
        if (!results) {
          done(step_outcome::failure(results.error()));
          return;
        }
        std::vector<timing_span> spans{span("codegen.validators", services, inv, t0)};
        bool passed = true;
        double score_sum = 0;
        value file_values = value::array_type{};
        value validators = value::object_type{};
        value errors = value::array_type{};
        value warnings = value::array_type{};
        std::shared_ptr<const analysis::pipeline_result> node_analysis;
        for (auto& fv : *results) {
          bool ok = !fv.error && fv.result.passed;
          passed = passed && ok;
          score_sum += fv.result.score;
          value scores = value::object_type{};
          for (const auto& r : fv.result.results)
            scores.set(r.validator, value::object_type{{"passed", r.passed}, {"score", r.score}});
          if (fv.path == node_path) {
            validators = scores;
            node_analysis = std::make_shared<const analysis::pipeline_result>(fv.result);
          }
          value fval = value::object_type{{"path", fv.path},
                                          {"passed", ok},
                                          {"score", fv.result.score},
                                          {"validators", std::move(scores)}};
          if (fv.error)
            fval.set("error", fv.error->to_string());
          file_values.push_back(std::move(fval));
          auto file_errors = findings_value(fv.result.errors, fv.path);
          for (const auto& e : file_errors.as_array())
            errors.push_back(e);
          auto file_warnings = findings_value(fv.result.warnings, fv.path);
          for (const auto& w : file_warnings.as_array())
            warnings.push_back(w);
        }
        double score = results->empty() ? 0.0 : score_sum / static_cast<double>(results->size());
        value outputs = value::object_type{{"passed", passed},
                                           {"score", score},
                                           {"validators", std::move(validators)},
                                           {"file_results", std::move(file_values)},
                                           {"errors", std::move(errors)},
                                           {"warnings", std::move(warnings)}};
        auto finish = [inv, warn_only, done = std::move(done),
                       spans = std::move(spans)](value outputs, bool ok, std::string why,
                                                 std::optional<timing_span> extra) mutable {
          if (extra)
            spans.push_back(std::move(*extra));
          outputs.set("passed", ok);
          if (!ok)
            outputs.set("failure", why);
          if (ok || warn_only) {
            auto out = step_outcome::success(std::move(outputs));
            out.spans = std::move(spans);
            done(std::move(out));
            return;
          }
          auto out = step_outcome::failure(
            error_info{"codegen.validation_failed", why, inv.step_id, false});
          out.outputs = std::move(outputs);
          out.spans = std::move(spans);
          done(std::move(out));
        };
        if (!review) {
          finish(std::move(outputs), passed,
                 passed ? std::string{} : "the generated code failed validation", std::nullopt);
          return;
        }
        request.analysis = node_analysis;
        auto q0 = clock_type::now();
        review->review(std::move(request), [outputs = std::move(outputs), passed, &services, inv,
                                            finish = std::move(finish),
                                            q0](expected<quorum::quorum_result> r) mutable {
          auto quorum_span = span("codegen.quorum", services, inv, q0);
          if (!r) {
            outputs.set("quorum", value::object_type{{"error", r.error().to_string()}});
            finish(std::move(outputs), false, "the AI quorum failed: " + r.error().message,
                   quorum_span);
            return;
          }
          outputs.set("quorum", quorum_value(*r));
          outputs.set("cost_usd", r->cost_usd);
          std::string why;
          bool ok = passed;
          if (!passed)
            why = "the generated code failed validation";
          if (r->error) {
            // Policy `fail`: insufficient participation fails the node.
            ok = false;
            why = r->error->message;
          } else if (r->verdict.outcome == quorum::quorum_outcome::failed) {
            ok = false;
            why = (why.empty() ? "" : why + "; ") + "the AI quorum rejected the code (consensus "
                  + std::to_string(r->verdict.consensus).substr(0, 5) + " below "
                  + std::to_string(r->verdict.pass_threshold).substr(0, 4) + ")";
          }
          finish(std::move(outputs), ok, why, quorum_span);
        });
      });
  }

private:
  std::shared_ptr<contract_store> store_;
};

// -- codegen.package --------------------------------------------------------------------

/// `durable` as a boolean or "true"/"false" (what `{params.x}` in a step's inputs yields);
/// absent: false.
std::optional<bool> durable_flag(const value& x) {
  if (x.is_null())
    return false;
  if (x.is_bool())
    return x.as_bool();
  if (x.is_string() && (x.as_string() == "true" || x.as_string() == "false"))
    return x.as_string() == "true";
  return std::nullopt;
}

class package_handler final : public workflow::step_handler {
public:
  explicit package_handler(std::shared_ptr<contract_store> store) : store_(std::move(store)) {}

  std::string_view name() const noexcept override { return "codegen.package"; }
  std::string_view summary() const noexcept override {
    return "writes a node's files atomically with a manifest (inputs.out: directory)";
  }
  std::optional<workflow::input_problem> check_inputs(const value& inputs) const override {
    if (!inputs.get("out").is_string() || inputs.get_string("out").empty())
      return workflow::input_problem{"out", "'out' must be the output directory"};
    if (const auto* d = inputs.find("durable"); d && !durable_flag(*d))
      return workflow::input_problem{"durable", "'durable' must be true or false"};
    return std::nullopt;
  }

  void start(const step_invocation& inv, step_services& services,
             step_completion done) const override {
    auto entry = contract_of(inv, *store_);
    if (!entry) {
      done(step_outcome::failure(entry.error()));
      return;
    }
    const auto* parsed = find_parse_output(inv);
    auto files = upstream_files(inv);
    if (files.empty()) {
      done(step_outcome::failure(
        step_error("codegen.no_files", "no generated files among the dependencies", inv)));
      return;
    }
    bool durable = durable_flag(inv.inputs.get("durable")).value_or(false);
    services.run_blocking(
      [entry = *entry, sha = parsed->get_string("contract_sha256"),
       out_dir = inv.inputs.get_string("out"), files = std::move(files), inv, &services,
       durable]() {
        auto t0 = clock_type::now();
        auto report = write_package(out_dir, entry->contract, sha, files, durable);
        if (!report)
          return step_outcome::failure(report.error());
        value written = value::array_type{};
        for (const auto& w : report->written)
          written.push_back(w);
        value unchanged = value::array_type{};
        for (const auto& u : report->unchanged)
          unchanged.push_back(u);
        auto out = step_outcome::success(value::object_type{
          {"package_dir", report->package_dir},
          {"manifest", report->manifest_path},
          {"written", std::move(written)},
          {"unchanged", std::move(unchanged)},
        });
        out.spans.push_back(span("codegen.package", services, inv, t0));
        return out;
      },
      std::move(done));
  }

private:
  std::shared_ptr<contract_store> store_;
};

} // namespace

expected<std::shared_ptr<const contract_store::entry>>
contract_store::parse(const std::string& text, const std::string& path, const std::string& sha256) {
  if (auto found = find(sha256))
    return found;
  auto report = contracts::parse_contract(text, path);
  if (!report.result) {
    error_info err = report.errors.empty()
                       ? error_info{"contract.invalid", "the contract is not valid", path}
                       : report.errors.front();
    for (std::size_t i = 1; i < report.errors.size(); ++i)
      err.message += "\n" + report.errors[i].to_string();
    return err;
  }
  auto e = std::make_shared<entry>();
  e->context = render_context(*report.result);
  e->contract = std::move(*report.result);
  std::lock_guard<std::mutex> guard{mutex_};
  auto [it, fresh] = entries_.emplace(sha256, std::move(e));
  return it->second;
}

std::shared_ptr<const contract_store::entry> contract_store::find(const std::string& sha256) const {
  std::lock_guard<std::mutex> guard{mutex_};
  auto it = entries_.find(sha256);
  return it == entries_.end() ? nullptr : it->second;
}

expected<std::string> read_contract_text(const std::string& path) {
  if (path.rfind(embedded_prefix, 0) == 0) {
    auto name = path.substr(embedded_prefix.size());
    if (auto text = io::find_embedded(name))
      return std::string{*text};
    return error_info{"io.not_found", "no embedded file of that name", path};
  }
  return io::read_file(path);
}

void add_codegen_handlers(workflow::handler_registry& registry,
                          std::shared_ptr<contract_store> store) {
  registry.add(std::make_shared<parse_handler>(store));
  registry.add(std::make_shared<render_handler>(store));
  registry.add(std::make_shared<validate_handler>(store));
  registry.add(std::make_shared<package_handler>(store));
}

} // namespace genflow::codegen
