#!/usr/bin/env python3
"""A scripted stand-in for LLM providers, for genflow's quorum tests (Python 3 standard library only).

Speaks both protocols genflow uses:
  POST /v1/chat/completions                     OpenAI-compatible chat completions (model in the body)
  POST /v1beta/models/<model>:generateContent   Gemini generateContent (also /v1/models/...)

It binds 127.0.0.1 on an ephemeral port and prints that port alone on its first stdout line.
With --tls-cert and --tls-key it speaks HTTPS with that certificate (tests use a self-signed one
to check that clients verify certificates).

Behaviour is scripted per model name, as JSON given with --script (text, or @path) or posted to
POST /control/script:

  {"models":  {"<model>": BEHAVIOUR or [BEHAVIOUR, ...]},   # a list scripts successive requests;
                                                            # the last entry repeats
   "default": BEHAVIOUR}

A request may also carry its own behaviour in the X-Fake-Behaviour header (JSON), which wins.

BEHAVIOUR (every field optional):
  latency_ms     delay before answering
  hang_ms        delay and then close the connection without answering (for client timeouts)
  status         HTTP status (default 200); non-2xx answers {"error": {"message": ...}}
  retry_after    value of a Retry-After header
  vote, confidence, reasoning   the JSON verdict the model "writes" (defaults true, 0.9, "looks fine")
  text           the exact reply text instead (fenced, prose-wrapped, garbage...)
  body           the exact HTTP body instead (malformed provider replies)
  usage          {"input": n, "output": m} token counts (default 120 / 30); null omits usage
  expect_key     answer 401 unless this key came as "Authorization: Bearer" or "x-goog-api-key"
  echo_key       on an error status, repeat the received key inside the error message (as some
                 providers do), to check that clients redact it

Every request is recorded: GET /control/requests returns them as a JSON list of
{"time" (monotonic seconds at arrival), "target" (the request line's target: an absolute URL
when the server was used as an HTTP proxy), "path", "query", "headers", "model", "protocol",
"body"}; POST /control/reset clears the record
and the per-model request counters.
"""

import argparse
import json
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class State:
    def __init__(self, script):
        self.lock = threading.Lock()
        self.script = script
        self.requests = []
        self.counters = {}

    def behaviour_for(self, model, header):
        with self.lock:
            index = self.counters.get(model, 0)
            self.counters[model] = index + 1
            if header:
                return json.loads(header)
            entry = self.script.get("models", {}).get(model, self.script.get("default", {}))
            if isinstance(entry, list):
                if not entry:
                    return {}
                return entry[min(index, len(entry) - 1)]
            return entry


def reply_text(b):
    if "text" in b:
        return b["text"]
    return json.dumps({
        "vote": b.get("vote", True),
        "confidence": b.get("confidence", 0.9),
        "reasoning": b.get("reasoning", "looks fine"),
    })


def openai_body(model, b):
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply_text(b)},
                     "finish_reason": "stop"}],
    }
    usage = b.get("usage", {"input": 120, "output": 30})
    if usage is not None:
        body["usage"] = {"prompt_tokens": usage["input"], "completion_tokens": usage["output"],
                         "total_tokens": usage["input"] + usage["output"]}
    return body


def gemini_body(b):
    body = {"candidates": [{"content": {"role": "model", "parts": [{"text": reply_text(b)}]},
                            "finishReason": "STOP"}]}
    usage = b.get("usage", {"input": 120, "output": 30})
    if usage is not None:
        body["usageMetadata"] = {"promptTokenCount": usage["input"],
                                 "candidatesTokenCount": usage["output"],
                                 "totalTokenCount": usage["input"] + usage["output"]}
    return body


def make_handler(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes: with Nagle's algorithm the body would wait
        # for the client's delayed ACK (40 ms on Linux) on every kept-alive connection.
        disable_nagle_algorithm = True

        def log_message(self, fmt, *args):
            pass

        def send_json(self, status, obj, extra_headers=()):
            data = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra_headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def read_body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/control/requests":
                with state.lock:
                    self.send_json(200, state.requests)
                return
            self.send_json(404, {"error": {"message": "no such endpoint"}})

        def do_POST(self):
            url = urllib.parse.urlsplit(self.path)
            raw = self.read_body()
            if url.path == "/control/script":
                with state.lock:
                    state.script = json.loads(raw or b"{}")
                self.send_json(200, {"ok": True})
                return
            if url.path == "/control/reset":
                with state.lock:
                    state.requests.clear()
                    state.counters.clear()
                self.send_json(200, {"ok": True})
                return

            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
            if url.path.endswith("/chat/completions"):
                protocol = "openai"
                model = body.get("model", "") if isinstance(body, dict) else ""
            elif url.path.endswith(":generateContent") and "/models/" in url.path:
                protocol = "gemini"
                model = url.path.rsplit("/models/", 1)[1].split(":", 1)[0]
            else:
                self.send_json(404, {"error": {"message": "no such endpoint"}})
                return

            with state.lock:
                state.requests.append({
                    "time": time.monotonic(), "target": self.path, "path": url.path,
                    "query": url.query,
                    "headers": dict(self.headers.items()),
                    "model": model, "protocol": protocol, "body": body})
            b = state.behaviour_for(model, self.headers.get("X-Fake-Behaviour"))

            if "hang_ms" in b:
                time.sleep(b["hang_ms"] / 1000.0)
                self.close_connection = True
                return
            if "latency_ms" in b:
                time.sleep(b["latency_ms"] / 1000.0)

            auth = self.headers.get("Authorization", "")
            key = auth[len("Bearer "):] if auth.startswith("Bearer ") else self.headers.get(
                "x-goog-api-key", "")
            status = b.get("status", 200)
            if "expect_key" in b and key != b["expect_key"]:
                status = 401
            extra = [("Retry-After", str(b["retry_after"]))] if "retry_after" in b else []
            if status >= 300:
                message = "scripted failure %d" % status
                if status == 401:
                    message = "invalid api key"
                if b.get("echo_key"):
                    message += " (received key %s)" % key
                payload = b["body"].encode() if "body" in b else {"error": {"message": message}}
                self.send_json(status, payload, extra)
                return
            if "body" in b:
                self.send_json(status, b["body"].encode(), extra)
                return
            self.send_json(status, openai_body(model, b) if protocol == "openai" else gemini_body(b),
                           extra)

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    # Benchmarks open hundreds of connections at once; the default backlog of 5 would make
    # the kernel drop SYNs and the clients wait a second to retransmit.
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        # Clients time out and cancel on purpose (hang_ms): a reset connection is expected.
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--script", default="{}", help="JSON behaviour script, or @path to one")
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--tls-key", help="the certificate's private key (PEM)")
    args = parser.parse_args()
    text = args.script
    if text.startswith("@"):
        with open(text[1:], encoding="utf-8") as f:
            text = f.read()
    state = State(json.loads(text))
    server = QuietServer(("127.0.0.1", 0), make_handler(state))
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
