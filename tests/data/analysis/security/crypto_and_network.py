"""Weak hashes, unverified TLS, binding everywhere, asserts."""
import hashlib
from hashlib import md5 as make_md5

import requests

DEFAULT_HOST = "0.0.0.0"  # expect: B104
LOOPBACK = "127.0.0.1"


def fingerprint(data, url, token_value):
    """Explain why "0.0.0.0" in a docstring is harmless."""
    weak = hashlib.md5(data).hexdigest()
    weaker = hashlib.sha1(data).hexdigest()
    aliased = make_md5(data)
    via_new = hashlib.new("md5", data)
    via_keyword = hashlib.new(name="MD4")
    strong = hashlib.sha256(data).hexdigest()
    fine = hashlib.new("sha256")
    requests.get(url, verify=False)
    requests.post(
        url,
        data=data,
        verify=False,
    )
    requests.put(url, verify=True)
    requests.get(url, timeout=5)
    assert token_value, "a token is required"
    server.bind(("0.0.0.0", 8080))  # expect: B104
    return weak, weaker, aliased, via_new, via_keyword, strong, fine
