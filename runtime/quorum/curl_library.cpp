#include "runtime/quorum/curl_library.hpp"

#include <cassert>
#include <mutex>
#include <string>

#include "runtime/io/shared_library.hpp"

namespace genflow::quorum::curl {

namespace {

struct loaded {
  library lib{};
  std::string error; // empty: loaded
};

loaded load_once() {
  loaded out;
  auto handle = io::shared_library::open("libcurl.so.4");
  if (!handle) {
    out.error = handle.error().message;
    return out;
  }
  auto bind = [&](auto& fn, const char* name) { handle->bind(fn, name, out.error); };
  auto& l = out.lib;
  bind(l.global_init, "curl_global_init");
  bind(l.easy_init, "curl_easy_init");
  bind(l.easy_cleanup, "curl_easy_cleanup");
  bind(l.easy_setopt, "curl_easy_setopt");
  bind(l.easy_getinfo, "curl_easy_getinfo");
  bind(l.easy_strerror, "curl_easy_strerror");
  bind(l.free, "curl_free");
  bind(l.getdate, "curl_getdate");
  bind(l.multi_init, "curl_multi_init");
  bind(l.multi_cleanup, "curl_multi_cleanup");
  bind(l.multi_add_handle, "curl_multi_add_handle");
  bind(l.multi_remove_handle, "curl_multi_remove_handle");
  bind(l.multi_perform, "curl_multi_perform");
  bind(l.multi_poll, "curl_multi_poll");
  bind(l.multi_wakeup, "curl_multi_wakeup");
  bind(l.multi_info_read, "curl_multi_info_read");
  bind(l.slist_append, "curl_slist_append");
  bind(l.slist_free_all, "curl_slist_free_all");
  bind(l.url, "curl_url");
  bind(l.url_cleanup, "curl_url_cleanup");
  bind(l.url_set, "curl_url_set");
  bind(l.url_get, "curl_url_get");
  if (out.error.empty() && l.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    out.error = "curl_global_init failed";
  return out;
}

const loaded& instance() {
  static const loaded state = load_once(); // thread-safe initialisation
  return state;
}

} // namespace

expected<const library*> load() {
  const auto& s = instance();
  if (!s.error.empty())
    return error_info{"quorum.transport", s.error, "libcurl"};
  return &s.lib;
}

const library& get() {
  const auto& s = instance();
  assert(s.error.empty());
  return s.lib;
}

} // namespace genflow::quorum::curl
