"""Unsafe deserialization and temporary files."""
import marshal
import pickle
import tempfile
import yaml
import dill
import cPickle
from pickle import loads as pickle_loads
from yaml import load as yaml_load_function


def restore(blob, stream):
    a = pickle.loads(blob)
    b = pickle_loads(blob)
    c = pickle.Unpickler(stream)
    d = cPickle.load(stream)
    e = dill.loads(blob)
    f = marshal.loads(blob)
    g = yaml.load(stream)
    h = yaml.load(stream, Loader=yaml.SafeLoader)
    i = yaml.load(stream, Loader=yaml.CSafeLoader)
    j = yaml.load(stream, Loader=yaml.Loader)
    k = yaml.load(stream, yaml.SafeLoader)  # expect-not: B506
    m = yaml_load_function(stream)
    n = yaml.safe_load(stream)
    path = tempfile.mktemp()
    safe = tempfile.mkstemp()
    return a, b, c, d, e, f, g, h, i, j, k, m, n, path, safe
