#!/usr/bin/env python3
"""Reference data for org.vificlip.config, written by PyYAML and Python's ast.literal_eval.

yacs (what ViFi-CLIP's utils/config.py uses) reads a YAML file with yaml.safe_load and then passes every
string value, and every --opts value, through ast.literal_eval, keeping the text when that raises
ValueError or SyntaxError. This script records what that gives, with Python's own types, for
  - each YAML file under the given configs folder (values as in the file, after that decoding),
  - a list of --opts-style texts (literal_eval cases),
  - a list of YAML scalars (PyYAML's YAML 1.1 typing, then the same decoding),
  - repr() of floats and strings (what a config written back for Python must contain).

usage: python3 make_config_fixtures.py CONFIGS_DIR OUT_DIR   (PyYAML 6, Python 3.10+)
"""
import ast
import json
import os
import random
import sys

import yaml


def decode(value):
    """yacs's decoding of a raw value: literal_eval for strings, kept as text if it is not a literal."""
    if not isinstance(value, str):
        return value
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value


def enc(v):
    """A Python value with its exact type, as JSON."""
    if v is None:
        return {"t": "NoneType"}
    if isinstance(v, bool):
        return {"t": "bool", "v": v}
    if isinstance(v, int):
        return {"t": "int", "v": str(v)}
    if isinstance(v, float):
        return {"t": "float", "hex": v.hex(), "repr": repr(v)}
    if isinstance(v, str):
        return {"t": "str", "v": v}
    if isinstance(v, (list, tuple)):
        return {"t": type(v).__name__, "items": [enc(x) for x in v]}
    if isinstance(v, dict):
        return {"t": "dict"}
    return {"t": type(v).__name__}


def enc_tree(d):
    """A YAML mapping after yacs's decoding: nested dicts kept as dicts, leaves decoded."""
    out = {}
    for k, v in d.items():
        out[str(k)] = enc_tree(v) if isinstance(v, dict) else enc(decode(v))
    return {"t": "dict", "items": out}


LITERAL_TEXTS = [
    # ints
    "0", "00", "0_0", "01", "1_000", "1__0", "1_", "0x1F", "0o17", "0b101", "0x", "-5", "+5", "- 5", "--5",
    "-(5)", "-(-5)", "99999999999999999999", "-9223372036854775808", "9223372036854775808", "4", " 4", "4 ",
    "\t4", "4 # a comment", "4\n", "\n4", "1 2",
    # floats, complex
    "1e-4", "1E5", "2.e-6", "4.e-02", ".5", "5.", "1.5e+3", "1_0.5", "1e400", "1.2.3", "1.e", "inf", "nan",
    "-inf", "1.5j", "1+2j", "-1-2j", "1+2", "(1)+2j", "1j+1", "0.1", "0.30000000000000004", "1e16",
    "123456789012345678901234567890.0", "-0.0",
    # True / False / None
    "True", "False", "None", "true", "none", "TRUE", "-True", "True False",
    # strings
    "'abc'", '"abc"', "'a' 'b'", "'a' \"b\"", "'a'\n'b'", "('a'\n'b')", "r'\\d'", "'\\d'", "'\\n'",
    "'\\x41'", "'\\101'", "'\\u00e9'", "'\\N{BULLET}'", "'\\U0001F600'", "u'x'", "b'x'", "rb'x'", "f'x'",
    "'''tri\nple'''", "'unterminated", "'\\''", '"\\""', "'a\\\nb'", "''", "'it''s'", "R'x'", "Rb'\\n'",
    "'a' b'c'", "'\\x4'", "'\\q'", "'é'", "b'é'", "'a\nb'",
    # what ViFi-CLIP's configs hold, and other plain text
    "both", "ViT-B/16", "a photo of a", "/PATH/TO/videos/folder", "labels/kinetics_400_labels.csv",
    "kinetics400", "O1", "adamw", "cosine", "hmdb51", "", " ", "x = 1", "import os", "1 if True else 2",
    "__import__('os')", "print(1)", "a.b", "-", "+", "'a' + 'b'", "...", "--opts", "~/runs/exp1",
    "C:\\data", "16_32", "2022-01-01",
    # containers
    "set()", "set( )", "{}", "{1: 2}", "{1, 2}", "{'a': [1, 2]}", "{1: 2,}", "{,}", "[1, 2]", "[1, [2, 3]]",
    "[]", "[,]", "[1,]", "(1, 2)", "(1,)", "()", "(1)", "((1, 2))", "['a', 'b']", "['', ]", "[1 2]",
    "[1, 'a', None, True, 2.5]", "[\n1,\n2\n]", "[1, # one\n 2]", "(1, 2", "[1, -2, +3.5]",
]

YAML_SCALARS = [
    "1e-4", "2.e-6", "4.e-02", "2.2e-05", "1.5e5", "1.5e+5", "1_000", "1__", "0o17", "017", "0x1F", "0b101",
    "1:30", "1:30.5", "yes", "No", "on", "OFF", "true", "True", "~", "null", "", ".inf", "-.inf", ".nan",
    "+1", "-.5", ".5", "'1e-4'", "\"True\"", "'None'", "'[1, 2]'", "[1, 2]", "['a', 'b']", "\"'quoted'\"",
    "ViT-B/16", "a photo of a", "'123'", "1.0", "1.", "-0.0", "12e3", "0.1e-3", "'0.5'", "\"1_0\"",
    "16 # BS 512", "\"\\t\"", "y", "n", "-x", "0", "-0", "+0.5e-3",
]


def float_cases():
    rnd = random.Random(1024)
    xs = [5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1 / 3, 2 ** -44, 1e22, 1e23,
          9007199254740993.0, 123456789.123, 1e-5, 1e-4, 0.0001234, 1e15, 1e16, 12345678901234567890.0,
          8e-06, 2.2e-05, 4e-02, 2e-06, 0.001, 30.0, 0.5, 1.0, 100.0, 5e-5, 1.5, -2.5e-7, 9.999999999999999e15,
          2.0 ** 60, 2.0 ** -60, 3.0e-4,
          # Java 17's Double.toString gives one digit more than the shortest for these two
          -2.31845256772633248e17, -1.93125733498705376e17]
    for _ in range(300):
        xs.append(rnd.uniform(-1, 1) * 10.0 ** rnd.randint(-30, 30))
    for _ in range(100):  # random bit patterns: any finite double
        bits = rnd.getrandbits(64)
        import struct
        x = struct.unpack("<d", struct.pack("<Q", bits))[0]
        if x == x and abs(x) != float("inf"):
            xs.append(x)
    return [{"hex": x.hex(), "repr": repr(x)} for x in xs]


STRINGS = ["abc", "it's", 'say "hi"', "both ' and \"", "back\\slash", "tab\tnl\nret\r", "\x00\x1f\x7f\x80\x9f\xa0",
           "é", "\u2028", "\u200b", "😀", "\U000e0001", "\ud7ff", "\ue000", "\ufffe", "", " ", "None", "1e-4",
           "a photo of a", "\u3000", "\xad"]


def main():
    configs_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    files = {}
    for root, _, names in os.walk(configs_dir):
        for name in sorted(names):
            if name.endswith(".yaml"):
                path = os.path.join(root, name)
                with open(path) as f:
                    files[os.path.relpath(path, configs_dir).replace(os.sep, "/")] = enc_tree(yaml.safe_load(f))
    with open(os.path.join(out_dir, "configs_as_pyyaml_reads_them.json"), "w") as f:
        json.dump(dict(sorted(files.items())), f, indent=1, ensure_ascii=False)
        f.write("\n")

    literals = [{"text": t, "value": enc(decode(t))} for t in LITERAL_TEXTS]
    scalars = []
    for t in YAML_SCALARS:
        v = yaml.safe_load("A: " + t + "\n")["A"]
        scalars.append({"yaml": t, "value": enc(decode(v))})
    out = {
        "python": sys.version.split()[0],
        "pyyaml": yaml.__version__,
        "literal_eval": literals,
        "yaml_scalars": scalars,
        "float_repr": float_cases(),
        "str_repr": [{"s": s, "repr": repr(s)} for s in STRINGS],
    }
    with open(os.path.join(out_dir, "python_values.json"), "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print(len(files), "configs,", len(literals), "literal texts,", len(scalars), "YAML scalars")


if __name__ == "__main__":
    main()
