#pragma once

/// libcurl, loaded on first use (dlopen) instead of at process start: Debian's libcurl pulls in
/// GnuTLS, Kerberos, LDAP and a dozen more libraries whose start-up work and symbol-lookup cost
/// every genflow process would otherwise pay, though only quorums with network models use it.
///
/// @code
/// auto lib = curl::load();              // once, where an error can be reported
/// if (!lib) return lib.error();         // "quorum.transport": libcurl could not be loaded
/// CURL* easy = curl::get().easy_init(); // afterwards
/// @endcode

#include <ctime>

#include <curl/curl.h>

#include "messages/expected.hpp"

namespace genflow::quorum::curl {

/// The entry points genflow uses, by their libcurl names without the `curl_` prefix.
struct library {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL* handle);
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
  CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...);
  const char* (*easy_strerror)(CURLcode code);
  void (*free)(void* p);
  time_t (*getdate)(const char* text, const time_t* unused);
  CURLM* (*multi_init)();
  CURLMcode (*multi_cleanup)(CURLM* multi);
  CURLMcode (*multi_add_handle)(CURLM* multi, CURL* easy);
  CURLMcode (*multi_remove_handle)(CURLM* multi, CURL* easy);
  CURLMcode (*multi_perform)(CURLM* multi, int* running);
  CURLMcode (*multi_poll)(CURLM* multi, struct curl_waitfd extra_fds[], unsigned int extra_nfds,
                          int timeout_ms, int* numfds);
  CURLMcode (*multi_wakeup)(CURLM* multi);
  CURLMsg* (*multi_info_read)(CURLM* multi, int* msgs_in_queue);
  curl_slist* (*slist_append)(curl_slist* list, const char* text);
  void (*slist_free_all)(curl_slist* list);
  CURLU* (*url)();
  void (*url_cleanup)(CURLU* handle);
  CURLUcode (*url_set)(CURLU* handle, CURLUPart what, const char* part, unsigned int flags);
  CURLUcode (*url_get)(const CURLU* handle, CURLUPart what, char** part, unsigned int flags);
};

/// Loads libcurl once (thread-safe) and initialises it; later calls return the same result.
expected<const library*> load();

/// The loaded library. Only after a successful load(); asserts otherwise.
const library& get();

} // namespace genflow::quorum::curl
