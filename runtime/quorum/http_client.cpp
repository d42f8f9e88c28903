#include "runtime/quorum/http_client.hpp"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <map>
#include <mutex>

#include "runtime/quorum/curl_library.hpp"

#include "runtime/quorum/quorum_errc.hpp"

namespace genflow::quorum {

namespace {

using clock_type = std::chrono::steady_clock;

long clamp_ms(std::chrono::nanoseconds d) {
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
  return static_cast<long>(std::clamp<long long>(ms, 1, 24LL * 3600 * 1000));
}

std::string trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return std::string{s.substr(first, last - first + 1)};
}

/// Maps a transfer failure to a quorum error (retryable when repeating may succeed).
error_info transfer_error(CURLcode code, std::string detail, std::string where) {
  std::string message = curl::get().easy_strerror(code);
  if (!detail.empty() && detail != message)
    message += ": " + detail;
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return make_error(quorum_errc::timeout, std::move(message), std::move(where), true);
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return make_error(quorum_errc::connect, std::move(message), std::move(where), true);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return make_error(quorum_errc::tls, std::move(message), std::move(where), false);
    default:
      return make_error(quorum_errc::transport, std::move(message), std::move(where), false);
  }
}

} // namespace

// -- http_response ------------------------------------------------------------

const std::string* http_response::header(std::string_view name) const noexcept {
  for (const auto& [k, v] : headers)
    if (k == name)
      return &v;
  return nullptr;
}

std::string endpoint_label(const std::string& url) {
  std::unique_ptr<CURLU, decltype(curl::get().url_cleanup)> h{curl::get().url(), curl::get().url_cleanup};
  auto fallback = url.substr(0, url.find_first_of("?#"));
  if (!h || curl::get().url_set(h.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    return fallback;
  curl::get().url_set(h.get(), CURLUPART_USER, nullptr, 0);
  curl::get().url_set(h.get(), CURLUPART_PASSWORD, nullptr, 0);
  curl::get().url_set(h.get(), CURLUPART_QUERY, nullptr, 0);
  curl::get().url_set(h.get(), CURLUPART_FRAGMENT, nullptr, 0);
  char* out = nullptr;
  if (curl::get().url_get(h.get(), CURLUPART_URL, &out, 0) != CURLUE_OK || out == nullptr)
    return fallback;
  std::string label{out};
  curl::get().free(out);
  return label;
}

// -- transfer state -----------------------------------------------------------

namespace {

struct transfer {
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  http_request request;
  http_client::response_handler done;
  http_response response;
  std::vector<std::string> secrets;
  char error_buffer[CURL_ERROR_SIZE] = {};
  bool too_large = false;
  clock_type::time_point started = clock_type::now();

  transfer() = default;
  transfer(const transfer&) = delete;
  transfer& operator=(const transfer&) = delete;

  ~transfer() {
    if (easy != nullptr)
      curl::get().easy_cleanup(easy);
    if (header_list != nullptr)
      curl::get().slist_free_all(header_list);
  }

  static size_t on_body(char* data, size_t size, size_t count, void* self) {
    auto* t = static_cast<transfer*>(self);
    auto n = size * count;
    if (t->response.body.size() + n > t->request.max_response_bytes) {
      t->too_large = true;
      return 0; // aborts the transfer (CURLE_WRITE_ERROR)
    }
    t->response.body.append(data, n);
    return n;
  }

  static size_t on_header(char* data, size_t size, size_t count, void* self) {
    auto* t = static_cast<transfer*>(self);
    auto n = size * count;
    std::string_view line{data, n};
    if (line.rfind("HTTP/", 0) == 0) {
      t->response.headers.clear(); // a new response (after 100 Continue, a proxy CONNECT, ...)
      return n;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
      return n;
    std::string name = trim(line.substr(0, colon));
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    t->response.headers.emplace_back(std::move(name), trim(line.substr(colon + 1)));
    return n;
  }
};

struct command {
  enum class kind { submit, cancel, add_timer, drop_timer };
  kind what = kind::submit;
  std::uint64_t id = 0;
  http_request request;
  http_client::response_handler done;
  std::function<void()> fn;
  clock_type::time_point due;
};

} // namespace

struct http_client::impl {
  // -- member variables -------------------------------------------------------

  CURLM* multi = nullptr; // used by the I/O thread; curl_multi_wakeup from any thread
  std::thread::id io_thread;

  mutable std::mutex mutex;
  // protected by mutex
  std::vector<command> commands;
  bool stopping = false;
  std::uint64_t next_id = 1;
  std::size_t active = 0;

  // owned by the I/O thread
  std::map<request_id, std::unique_ptr<transfer>> transfers;
  std::map<std::pair<clock_type::time_point, timer_id>, std::function<void()>> timers;
  std::map<timer_id, clock_type::time_point> timer_due;

  // -- constructors -----------------------------------------------------------

  impl() : multi(curl::get().multi_init()) {
    assert(multi != nullptr);
  }

  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  ~impl() {
    curl::get().multi_cleanup(multi);
  }

  // -- any thread -------------------------------------------------------------

  std::uint64_t take_id(bool is_transfer) {
    std::lock_guard<std::mutex> guard{mutex};
    if (is_transfer)
      ++active;
    return next_id++;
  }

  void post(command cmd) {
    {
      std::lock_guard<std::mutex> guard{mutex};
      commands.push_back(std::move(cmd));
    }
    curl::get().multi_wakeup(multi);
  }

  void stop() {
    {
      std::lock_guard<std::mutex> guard{mutex};
      stopping = true;
    }
    curl::get().multi_wakeup(multi);
  }

  // -- I/O thread -------------------------------------------------------------

  void report(transfer& t) {
    {
      std::lock_guard<std::mutex> guard{mutex};
      --active;
    }
    t.done(std::move(t.response));
  }

  void start_transfer(request_id id, http_request request, response_handler done);
  void finish(request_id id, CURLcode code);
  void cancel_transfer(request_id id, std::string reason);
  void apply(command& cmd, bool stopping_now);
  void run();
};

void http_client::impl::start_transfer(request_id id, http_request request,
                                       response_handler done) {
  auto t = std::make_unique<transfer>();
  t->request = std::move(request);
  t->done = std::move(done);
  for (const auto& h : t->request.headers) {
    if (!h.secret)
      continue;
    t->secrets.push_back(h.value);
    if (auto space = h.value.find(' '); space != std::string::npos)
      t->secrets.push_back(h.value.substr(space + 1)); // "Bearer <token>"
  }
  t->easy = curl::get().easy_init();
  if (t->easy == nullptr) {
    t->response.error = make_error(quorum_errc::transport, "cannot create a transfer",
                                   endpoint_label(t->request.url));
    report(*t);
    return;
  }
  CURL* e = t->easy;
  const auto& r = t->request;
  curl::get().easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl::get().easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl::get().easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl::get().easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl::get().easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl::get().easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  curl::get().easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  curl::get().easy_setopt(e, CURLOPT_USERAGENT, "genflow/" GENFLOW_VERSION);
  curl::get().easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, clamp_ms(r.connect_timeout));
  curl::get().easy_setopt(e, CURLOPT_TIMEOUT_MS, clamp_ms(r.timeout));
  curl::get().easy_setopt(e, CURLOPT_ERRORBUFFER, t->error_buffer);
  curl::get().easy_setopt(e, CURLOPT_WRITEFUNCTION, &transfer::on_body);
  curl::get().easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl::get().easy_setopt(e, CURLOPT_HEADERFUNCTION, &transfer::on_header);
  curl::get().easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl::get().easy_setopt(e, CURLOPT_PRIVATE, reinterpret_cast<char*>(static_cast<std::uintptr_t>(id)));
  if (r.method == "POST") {
    curl::get().easy_setopt(e, CURLOPT_POST, 1L);
    curl::get().easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl::get().easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
  } else if (r.method == "GET") {
    curl::get().easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else {
    curl::get().easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    if (!r.body.empty()) {
      curl::get().easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
      curl::get().easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
    }
  }
  for (const auto& h : r.headers) {
    auto line = h.name + ": " + h.value;
    t->header_list = curl::get().slist_append(t->header_list, line.c_str());
  }
  t->header_list = curl::get().slist_append(t->header_list, "Expect:"); // no 100-continue round trip
  curl::get().easy_setopt(e, CURLOPT_HTTPHEADER, t->header_list);
  curl::get().multi_add_handle(multi, e);
  transfers.emplace(id, std::move(t));
}

void http_client::impl::finish(request_id id, CURLcode code) {
  auto it = transfers.find(id);
  if (it == transfers.end())
    return;
  auto t = std::move(it->second);
  transfers.erase(it);
  curl::get().multi_remove_handle(multi, t->easy);
  auto& res = t->response;
  auto where = endpoint_label(t->request.url);
  if (t->too_large) {
    res.error = make_error(quorum_errc::too_large,
                           "the reply exceeds " + std::to_string(t->request.max_response_bytes)
                             + " bytes",
                           where);
  } else if (code != CURLE_OK) {
    res.error = transfer_error(code, redact(t->error_buffer, t->secrets), where);
  }
  long status = 0;
  curl::get().easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  res.status = res.error ? 0 : status;
  curl_off_t connect_us = 0;
  curl_off_t first_byte_us = 0;
  curl::get().easy_getinfo(t->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
  curl::get().easy_getinfo(t->easy, CURLINFO_STARTTRANSFER_TIME_T, &first_byte_us);
  res.connect_time = std::chrono::microseconds{connect_us};
  res.first_byte_time = std::chrono::microseconds{first_byte_us};
  res.total_time = clock_type::now() - t->started;
  report(*t);
}

void http_client::impl::cancel_transfer(request_id id, std::string reason) {
  auto it = transfers.find(id);
  if (it == transfers.end())
    return; // reported already, or never started
  auto t = std::move(it->second);
  transfers.erase(it);
  curl::get().multi_remove_handle(multi, t->easy);
  t->response.error =
    make_error(quorum_errc::cancelled, std::move(reason), endpoint_label(t->request.url));
  t->response.total_time = clock_type::now() - t->started;
  report(*t);
}

void http_client::impl::apply(command& cmd, bool stopping_now) {
  switch (cmd.what) {
    case command::kind::submit:
      if (stopping_now) {
        transfer t;
        t.request = std::move(cmd.request);
        t.done = std::move(cmd.done);
        t.response.error = make_error(quorum_errc::cancelled, "the HTTP client is shutting down",
                                      endpoint_label(t.request.url));
        report(t);
      } else {
        start_transfer(cmd.id, std::move(cmd.request), std::move(cmd.done));
      }
      break;
    case command::kind::cancel:
      cancel_transfer(cmd.id, "the request was cancelled");
      break;
    case command::kind::add_timer:
      if (!stopping_now) {
        timer_due.emplace(cmd.id, cmd.due);
        timers.emplace(std::make_pair(cmd.due, cmd.id), std::move(cmd.fn));
      }
      break;
    case command::kind::drop_timer:
      if (auto it = timer_due.find(cmd.id); it != timer_due.end()) {
        timers.erase(std::make_pair(it->second, cmd.id));
        timer_due.erase(it);
      }
      break;
  }
}

void http_client::impl::run() {
  for (;;) {
    std::vector<command> batch;
    bool stopping_now = false;
    {
      std::lock_guard<std::mutex> guard{mutex};
      batch.swap(commands);
      stopping_now = stopping;
    }
    for (auto& cmd : batch)
      apply(cmd, stopping_now);
    if (stopping_now)
      break;

    int running = 0;
    curl::get().multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* msg = curl::get().multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE)
        continue;
      char* priv = nullptr;
      curl::get().easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
      auto code = msg->data.result;
      finish(static_cast<request_id>(reinterpret_cast<std::uintptr_t>(priv)), code);
    }

    auto now = clock_type::now();
    while (!timers.empty() && timers.begin()->first.first <= now) {
      auto fn = std::move(timers.begin()->second);
      timer_due.erase(timers.begin()->first.second);
      timers.erase(timers.begin());
      fn();
    }

    int wait_ms = 1000;
    if (!timers.empty()) {
      auto until = std::chrono::ceil<std::chrono::milliseconds>(timers.begin()->first.first
                                                                - clock_type::now());
      wait_ms = static_cast<int>(std::clamp<long long>(until.count(), 0, 1000));
    }
    curl::get().multi_poll(multi, nullptr, 0, wait_ms, nullptr);
  }

  // Shutting down: every transfer still running reports cancelled, and so does every submission
  // that those callbacks make.
  for (;;) {
    while (!transfers.empty())
      cancel_transfer(transfers.begin()->first, "the HTTP client is shutting down");
    std::vector<command> batch;
    {
      std::lock_guard<std::mutex> guard{mutex};
      batch.swap(commands);
    }
    if (batch.empty())
      break;
    for (auto& cmd : batch)
      apply(cmd, true);
  }
  timers.clear();
  timer_due.clear();
}

// -- http_client ----------------------------------------------------------------

http_client::http_client() {
  // curl::load() initialises libcurl; callers checked that it loads (make_model_clients).
  auto lib = curl::load();
  assert(lib);
  (void) lib;
  impl_ = std::make_shared<impl>();
  thread_ = std::thread{[state = impl_] { state->run(); }};
  impl_->io_thread = thread_.get_id();
}

http_client::~http_client() {
  impl_->stop();
  if (on_io_thread())
    thread_.detach(); // released inside a callback: the loop ends after it returns
  else
    thread_.join();
}

bool http_client::on_io_thread() const noexcept {
  return std::this_thread::get_id() == impl_->io_thread;
}

std::size_t http_client::active_transfers() const {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  return impl_->active;
}

http_client::request_id http_client::submit(http_request request, response_handler done) {
  command cmd;
  cmd.what = command::kind::submit;
  cmd.id = impl_->take_id(true);
  auto id = cmd.id;
  cmd.request = std::move(request);
  cmd.done = std::move(done);
  impl_->post(std::move(cmd));
  return id;
}

void http_client::cancel(request_id id) {
  command cmd;
  cmd.what = command::kind::cancel;
  cmd.id = id;
  impl_->post(std::move(cmd));
}

http_client::timer_id http_client::schedule(std::chrono::nanoseconds delay,
                                            std::function<void()> fn) {
  command cmd;
  cmd.what = command::kind::add_timer;
  cmd.id = impl_->take_id(false);
  auto id = cmd.id;
  cmd.fn = std::move(fn);
  cmd.due = clock_type::now() + std::max(delay, std::chrono::nanoseconds::zero());
  impl_->post(std::move(cmd));
  return id;
}

void http_client::cancel_timer(timer_id id) {
  command cmd;
  cmd.what = command::kind::drop_timer;
  cmd.id = id;
  impl_->post(std::move(cmd));
}

} // namespace genflow::quorum
