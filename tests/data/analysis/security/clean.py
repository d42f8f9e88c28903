"""Nothing to report."""
import ast
import hashlib
import json
import subprocess

import yaml


def safe(blob, stream, text):
    data = json.loads(blob)
    config = yaml.safe_load(stream)
    value = ast.literal_eval(text)
    digest = hashlib.sha256(blob).hexdigest()
    subprocess.run(["git", "status"], check=True)
    return data, config, value, digest
