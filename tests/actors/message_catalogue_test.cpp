// Every catalogued message round-trips through msgpack and through CAF's serializer, and every
// one is registered with CAF (CAF-0.17.md pitfall 5: an unregistered type arrives empty).

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include <gtest/gtest.h>

#include "messages/caf_types.hpp"
#include "messages/catalogue.hpp"

namespace genflow {
namespace {

using namespace std::chrono_literals;

template <class T>
struct tag {};

value sample_value() {
  return value::object_type{{"n", 1}, {"s", "text"}, {"l", value::array_type{true, nullptr, 2.5}}};
}

workflow_definition sample_definition() {
  workflow_definition w;
  w.id = "wf";
  w.name = "Workflow";
  w.source = "wf.yaml";
  stage_definition st;
  st.id = "s1";
  st.number = 1;
  st.timeout = 5s;
  st.allow_partial_failure = true;
  step_definition sp;
  sp.id = "a";
  sp.handler = "noop";
  sp.inputs = sample_value();
  sp.depends_on = {"z"};
  sp.timeout = 250ms;
  sp.retries = 2;
  st.steps.push_back(sp);
  w.stages.push_back(st);
  w.options.max_parallel = 7;
  w.options.fast_fail = true;
  w.options.backoff.jitter = 0.25;
  return w;
}

timing_span sample_span() {
  return timing_span{"step.execute", "n/worker-1", "cid", 1700000000000000000, 42us};
}

run_workflow make_sample(tag<run_workflow>) {
  return run_workflow{sample_definition(), "cid"};
}
set_max_parallel make_sample(tag<set_max_parallel>) {
  return set_max_parallel{12, "cid"};
}
step_lease make_sample(tag<step_lease>) {
  return step_lease{"cid", 3, 2, "a", "exec", sample_value(), {step_output{"z", sample_value()}},
                    10s};
}
get_run_progress make_sample(tag<get_run_progress>) {
  return get_run_progress{"cid"};
}
run_progress make_sample(tag<run_progress>) {
  return run_progress{"cid", true, 2, 6, "models", 1, 3, 4, 18};
}
template_ref sample_ref() {
  return template_ref{"node_effect", "effect"};
}
load_template make_sample(tag<load_template>) {
  return load_template{sample_ref(), true};
}
template_info make_sample(tag<template_info>) {
  return template_info{error_info{"template.syntax", "bad", "x.j2:3"}, "node_effect", "ab", 12};
}
render_template make_sample(tag<render_template>) {
  return render_template{sample_ref(), sample_value()};
}
rendered_template make_sample(tag<rendered_template>) {
  return rendered_template{{}, "text", "cd"};
}
preload_templates make_sample(tag<preload_templates>) {
  return preload_templates{{sample_ref(), template_ref{"readme", ""}}};
}
preload_report make_sample(tag<preload_report>) {
  return preload_report{1, {error_info{"template.not_found", "no", "readme"}}};
}
invalidate_template make_sample(tag<invalidate_template>) {
  return invalidate_template{"readme"};
}
clear_templates make_sample(tag<clear_templates>) {
  return {};
}
resize_template_cache make_sample(tag<resize_template_cache>) {
  return resize_template_cache{50, 1u << 20};
}
template_ack make_sample(tag<template_ack>) {
  return template_ack{true, 7};
}
get_template_statistics make_sample(tag<get_template_statistics>) {
  return {};
}
template_statistics make_sample(tag<template_statistics>) {
  template_statistics s;
  s.hits = 9;
  s.hit_rate = 0.9;
  s.get_latency = latency_summary{10, 1us, 1us, 2us, 3us, 4us};
  return s;
}
cancel_step make_sample(tag<cancel_step>) {
  return cancel_step{"cid", 3, 2};
}
step_report make_sample(tag<step_report>) {
  step_report r;
  r.correlation_id = "cid";
  r.step_index = 3;
  r.attempt = 2;
  r.error = error_info{"step.timeout", "too slow", "a", true};
  r.outputs = sample_value();
  r.execution_time = 5ms;
  r.worker = "n/worker-1";
  r.spans = {sample_span()};
  return r;
}
workflow_result make_sample(tag<workflow_result>) {
  workflow_result r;
  r.workflow_id = "wf";
  r.correlation_id = "cid";
  r.status = workflow_status::timed_out;
  stage_result st;
  st.stage_id = "s1";
  st.number = 1;
  st.status = stage_status::partial;
  st.steps.push_back(step_result{"a", step_status::skipped, sample_value(),
                                 error_info{"step.skipped", "dep failed", "a"}, 1, 3ms, 4ms, "w"});
  r.stages.push_back(st);
  r.wall_time = 9ms;
  r.errors.push_back(error_info{"workflow.timeout", "late", "wf"});
  return r;
}
get_executor_statistics make_sample(tag<get_executor_statistics>) {
  return {};
}
executor_statistics make_sample(tag<executor_statistics>) {
  executor_statistics s;
  s.workflows = 3;
  s.step_latency = latency_summary{10, 1us, 2us, 3us, 4us, 5us};
  s.last_speedup = 2.5;
  return s;
}
span_batch make_sample(tag<span_batch>) {
  return span_batch{{sample_span(), sample_span()}};
}
profile_query make_sample(tag<profile_query>) {
  return profile_query{"step.execute"};
}
profile_report make_sample(tag<profile_report>) {
  return profile_report{{operation_profile{"op", 1, 2us, 2us, 2us, 2us, 2us, 2us}}, 5, 1};
}

class MessageCatalogue : public ::testing::Test {
protected:
  struct config : caf::actor_system_config {
    config() {
      set("logger.verbosity", caf::atom("quiet"));
      register_message_types(*this);
    }
  };
  config cfg;
  caf::actor_system sys{cfg};
};

TEST_F(MessageCatalogue, RegistersEveryTypeWithCaf) {
  EXPECT_TRUE(unregistered_message_types(sys).empty());
}

TEST_F(MessageCatalogue, ATypeLeftOutOfRegistrationIsReported) {
  caf::actor_system_config bare;
  bare.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system other{bare};
  auto missing = unregistered_message_types(other);
  EXPECT_FALSE(missing.empty());
  EXPECT_NE(std::find(missing.begin(), missing.end(), "genflow.step_lease"), missing.end());
}

template <class T>
void check_round_trips(caf::actor_system& sys, const char* name) {
  SCOPED_TRACE(name);
  T original = make_sample(tag<T>{});
  auto bytes = wire::encode(original);
  // msgpack
  auto back = wire::decode<T>(bytes, name);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(wire::encode(*back), bytes);
  // CAF's serializer, through the adapter
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  ASSERT_FALSE(sink(original));
  T via_caf;
  caf::binary_deserializer source{sys, buf};
  ASSERT_FALSE(source(via_caf));
  EXPECT_EQ(wire::encode(via_caf), bytes);
  // A truncated frame is an error naming the type, never a crash or a half-filled struct.
  auto cut = wire::decode<T>(std::string_view{bytes}.substr(0, bytes.size() / 2), name);
  EXPECT_FALSE(cut);
  if (!cut) {
    EXPECT_NE(cut.error().message.find(name), std::string::npos);
  }
}

TEST_F(MessageCatalogue, RoundTripsEveryTypeThroughMsgpackAndCaf) {
#define GENFLOW_CHECK(type) check_round_trips<type>(sys, message_name<type>);
  GENFLOW_MESSAGE_TYPES(GENFLOW_CHECK)
#undef GENFLOW_CHECK
}

TEST_F(MessageCatalogue, RejectsAFrameOfAnotherWireVersion) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk{buf};
  pk.pack_array(2);
  pk.pack_uint16(99);
  pk.pack(cancel_step{"cid", 1, 1});
  auto r = wire::decode<cancel_step>({buf.data(), buf.size()}, "genflow.cancel_step");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("wire version 99"), std::string::npos);
}

TEST_F(MessageCatalogue, CafReportsGarbageBytesAsAnError) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  std::vector<char> garbage{'\x92', '\x01', '\xc1'};
  ASSERT_FALSE(sink(garbage));
  step_lease lease;
  caf::binary_deserializer source{sys, buf};
  EXPECT_TRUE(static_cast<bool>(source(lease)));
}

} // namespace
} // namespace genflow
