#include "runtime/codegen/run_summary.hpp"

#include <cstdio>
#include <algorithm>
#include <map>

namespace genflow::codegen {

namespace {

/// Steps of a run by id.
std::map<std::string, const step_result*> index_steps(const workflow_result& r) {
  std::map<std::string, const step_result*> out;
  for (const auto& st : r.stages)
    for (const auto& sp : st.steps)
      out.emplace(sp.step_id, &sp);
  return out;
}

/// Contract names in run order (from the parse steps).
std::vector<std::string> contract_names(const workflow_result& r) {
  std::vector<std::string> out;
  for (const auto& st : r.stages)
    for (const auto& sp : st.steps)
      if (sp.step_id.rfind("parse.", 0) == 0)
        out.push_back(sp.step_id.substr(6));
  return out;
}

} // namespace

value summarize_nodes(const workflow_result& r) {
  auto steps = index_steps(r);
  value out = value::array_type{};
  for (const auto& name : contract_names(r)) {
    value node = value::object_type{{"contract", name}};
    std::string status = "generated";
    for (const char* stage : {"parse", "models", "node", "tests", "validate", "package"}) {
      auto it = steps.find(std::string{stage} + "." + name);
      if (it == steps.end())
        continue;
      const auto& sp = *it->second;
      if (sp.status != step_status::succeeded && status == "generated") {
        status = std::string{stage} + " " + to_string(sp.status);
        node.set("error", value::object_type{{"step", sp.step_id},
                                             {"code", sp.error.code},
                                             {"message", sp.error.message},
                                             {"where", sp.error.where}});
      }
      if (std::string{stage} == "parse" && sp.outputs.is_object()) {
        node.set("node", sp.outputs.get("name"));
        node.set("node_type", sp.outputs.get("node_type"));
        node.set("path", sp.outputs.get("path"));
      }
      if (std::string{stage} == "validate" && sp.outputs.is_object() && sp.outputs.size() > 0) {
        value v = sp.outputs;
        v.mutable_object().erase(
          std::remove_if(v.mutable_object().begin(), v.mutable_object().end(),
                         [](const auto& m) { return m.first == "quorum"; }),
          v.mutable_object().end());
        node.set("validation", std::move(v));
        if (const auto* q = sp.outputs.find("quorum"))
          node.set("quorum", *q);
        node.set("cost_usd", sp.outputs.get("cost_usd", value{0.0}));
      }
      if (std::string{stage} == "package" && sp.outputs.is_object())
        node.set("package", sp.outputs);
    }
    node.set("status", status);
    out.push_back(std::move(node));
  }
  return out;
}

std::string format_nodes(const workflow_result& r) {
  auto nodes = summarize_nodes(r);
  std::string out;
  if (nodes.size() == 0)
    return out;
  bool offline = false;
  char line[1024];
  std::snprintf(line, sizeof line, "\n%-28s %-13s %-11s %-22s %-9s %s\n", "node", "type",
                "validators", "quorum", "cost", "package");
  out += line;
  for (const auto& n : nodes.as_array()) {
    auto node_name = n.get_string("node", n.get_string("contract"));
    std::string validators = "-";
    if (const auto* v = n.find("validation"))
      validators = std::string{v->get("passed").is_bool() && v->get("passed").as_bool() ? "pass"
                                                                                          : "fail"}
                   + " " + std::to_string(v->get("score").is_number() ? v->get("score").as_number()
                                                                      : 0.0)
                             .substr(0, 4);
    std::string quorum = "-";
    if (const auto* q = n.find("quorum")) {
      if (q->find("error") && !q->find("consensus")) {
        quorum = "error";
      } else {
        int votes = 0, total = 0;
        for (const auto& v : q->get("votes").as_array()) {
          ++total;
          if (v.get("participated").is_bool() && v.get("participated").as_bool())
            ++votes;
        }
        quorum = q->get_string("outcome") + " "
                 + std::to_string(q->get("consensus").as_number()).substr(0, 4) + " ("
                 + std::to_string(votes) + "/" + std::to_string(total) + " votes)";
      }
    }
    char cost[32];
    std::snprintf(cost, sizeof cost, "$%.4f", n.get("cost_usd").is_number() ? n.get("cost_usd").as_number() : 0.0);
    std::string package = n.get_string("status");
    if (const auto* p = n.find("package")) {
      package = p->get_string("package_dir") + "  (" + std::to_string(p->get("written").size())
                + " written, " + std::to_string(p->get("unchanged").size()) + " unchanged)";
    }
    std::snprintf(line, sizeof line, "%-28s %-13s %-11s %-22s %-9s %s\n", node_name.c_str(),
                  n.get_string("node_type", "-").c_str(), validators.c_str(), quorum.c_str(), cost,
                  package.c_str());
    out += line;
    if (const auto* q = n.find("quorum"); q && q->find("votes")) {
      std::string votes = "    votes:";
      for (const auto& v : q->get("votes").as_array()) {
        votes += " " + v.get_string("model") + " ";
        if (v.get("participated").is_bool() && v.get("participated").as_bool())
          votes += v.get_string("vote") + " "
                   + std::to_string(v.get("confidence").as_number()).substr(0, 4);
        else
          votes += v.get_string("error").find("quorum.cancelled") != std::string::npos
                     ? "not needed"
                     : "no vote";
        votes += ";";
        if (v.get_string("reasoning").rfind("offline rule-based reviewer", 0) == 0)
          offline = true;
      }
      out += votes + "\n";
    }
    if (const auto* e = n.find("error"))
      out += "    " + e->get_string("step") + ": " + e->get_string("message") + " ["
             + e->get_string("code") + "]\n";
  }
  if (offline)
    out += "(quorum: offline rule-based reviewers voting on the validators' findings; they are "
           "not language models)\n";
  return out;
}

} // namespace genflow::codegen
