"""
Builds test/conformance/corpora/pybamm/experiment-strings.json and experiment-structures.json from the
PyBaMM repository (run by hand to regenerate the committed corpus; rollcell never runs Python):

  python3 scripts/conformance/harvest_pybamm_experiments.py <PyBaMM git dir>

Strings: every string literal of PyBaMM's Python sources, notebooks and docs that reads as an experiment
step (an instruction Charge/Discharge/Rest/Hold/Run followed by 'at' or 'for'), plus the strings PyBaMM's
own tests refuse (test_bad_strings), with where each occurs. The meaning PyBaMM gives each one is computed
by the functions below, copied from PyBaMM (packages/pybamm/src/pybamm/experiment/step/steps.py `string`,
base_step.py `_convert_electric`, `_convert_time_to_seconds`, `_parse_termination`, `default_duration`,
steps.py CRate `_default_timespan`, step_termination.py `_read_termination`; BSD-3-Clause, the PyBaMM
team) with PyBaMM's step objects replaced by plain records, and checked against the values PyBaMM's
test_experiment_steps.py asserts.

Structures: the `pybamm.Experiment(...)` calls of the repository whose operating conditions are
literals (strings, tuples, lists, `* N`, `+`), with their text and the cycle lengths PyBaMM forms
(experiment.py: a tuple is a cycle of its steps, any other element a cycle of one step).
"""
import ast
import json
import re
import subprocess
import sys

REPO = sys.argv[1]
OUT = "test/conformance/corpora/pybamm"


def git(*args):
    return subprocess.run(["git", "-C", REPO, *args], capture_output=True, text=True, check=True).stdout


commit = git("rev-parse", "HEAD").strip()

# ───────────── PyBaMM's string processing (copied, steps replaced by records) ─────────────


def get_unit_from(a_string):
    return a_string.lstrip("0123456789.-eE ")


def _convert_time_to_seconds(time_and_units):
    if time_and_units is None:
        return time_and_units
    units = get_unit_from(time_and_units)
    time = time_and_units[: -len(units)]
    if units in ["second", "seconds", "s", "sec"]:
        time_in_seconds = float(time)
    elif units in ["minute", "minutes", "m", "min"]:
        time_in_seconds = float(time) * 60
    elif units in ["hour", "hours", "h", "hr"]:
        time_in_seconds = float(time) * 3600
    else:
        raise ValueError("time units must be 'seconds', 'minutes' or 'hours'. ")
    return time_in_seconds


def _convert_electric(value_string):
    if value_string[0] == "C":
        unit = "C"
        value = 1 / float(value_string[2:])
    else:
        unit = get_unit_from(value_string)
        value = float(value_string[: -len(unit)])
        if unit.startswith("m"):
            unit = unit[1:]
            value /= 1000
    units_to_type = {"C": "C-rate", "A": "current", "V": "voltage", "W": "power", "Ohm": "resistance"}
    try:
        typ = units_to_type[unit]
    except KeyError as error:
        raise ValueError("units must be 'A', 'V', 'W', 'Ohm', or 'C'. ") from error
    return typ, value


def _parse_termination(term_str):
    term_str = term_str.strip()
    operator = None
    remaining = term_str
    if term_str and term_str[0] in ("<", ">"):
        operator = term_str[0]
        remaining = term_str[1:].strip()
    remaining = remaining.replace(" ", "")
    typ, val = _convert_electric(remaining)
    return operator, typ, val


def _read_termination(t):
    op, typ, value = t
    cls = {"current": "current", "voltage": "voltage", "C-rate": "c_rate"}[typ]  # KeyError for W / Ohm
    return {"type": cls, "value": value, **({"operator": op} if op else {})}


def step_string(text):
    """pybamm.step.string(text) as a record, or the exception PyBaMM raises"""
    if not isinstance(text, str):
        raise TypeError("Input to step.string() must be a string")
    if "oC" in text:
        raise ValueError("Temperature must be specified as a keyword argument instead of in the string")
    kwargs = {}
    if "period)" in text:
        text, period_full = text.split(" (")
        period, _ = period_full.split(" period)")
        kwargs["period"] = period
    if "until" in text:
        text, termination = text.split(" until ")
        text = text.replace(" or", "")
    else:
        termination = None
    if "for" in text:
        text, duration = text.split(" for ")
    else:
        duration = None
    if termination is None and duration is None:
        raise ValueError("Operating conditions must contain keyword 'for' or 'until'.")
    if text.startswith("Rest"):
        step_class = "Rest"
        value = 0
    elif text.startswith("Run"):
        raise ValueError("Simulating drive cycles with 'Run' has been deprecated.")
    else:
        instruction, value_string = text.split(" at ")
        if instruction == "Charge":
            sign = -1
        elif instruction in ["Discharge", "Hold"]:
            sign = 1
        else:
            raise ValueError("Instruction must be 'discharge', 'charge', 'rest', or 'hold'.")
        typ, value = _convert_electric(value_string)
        value *= sign
        step_class = {"current": "Current", "voltage": "Voltage", "power": "Power", "C-rate": "CRate",
                      "resistance": "Resistance"}[typ]
    # BaseStep.__init__: duration (default), period, terminations
    if duration is None:
        dur = (1 / abs(value) * 3600 * 2) if step_class == "CRate" else 24 * 3600
    else:
        dur = _convert_time_to_seconds(duration)
    terms = [] if termination is None else [_read_termination(_parse_termination(termination))]
    period = _convert_time_to_seconds(kwargs.get("period"))
    return {"type": step_class, "value": value, "duration": dur, "termination": terms,
            **({"period": period} if period is not None else {})}


def outcome(text):
    try:
        return {"ok": True, **step_string(text)}
    except Exception as e:  # noqa: BLE001 - the reference's refusal, whatever its class
        return {"ok": False, "error": f"{type(e).__name__}: {e}"}


# the port against PyBaMM's own asserted values (test_experiment_steps.py test_step_string)
ASSERTED = [
    ("Discharge at 1C for 0.5 hours", "CRate", 1.0, 1800.0, []),
    ("Discharge at C/20 for 1h (2 minute period)", "CRate", 0.05, 3600.0, []),
    ("Charge at 0.5 C for 45 minutes", "CRate", -0.5, 2700.0, []),
    ("Discharge at 1 A for 0.5 hours", "Current", 1.0, 1800.0, []),
    ("Charge at 200 mA for 45 minutes", "Current", -0.2, 2700.0, []),
    ("Discharge at 1W for 0.5 hours", "Power", 1.0, 1800.0, []),
    ("Charge at 200mW for 45 minutes", "Power", -0.2, 2700.0, []),
    ("Rest for 10 minutes", "Rest", 0, 600.0, []),
    ("Hold at 1V for 20 seconds", "Voltage", 1, 20.0, []),
    ("Charge at 1 C until 4.1V", "CRate", -1, 7200, [{"type": "voltage", "value": 4.1}]),
    ("Hold at 4.1 V until 50mA", "Voltage", 4.1, 3600 * 24, [{"type": "current", "value": 0.05}]),
    ("Hold at 3V until C/50", "Voltage", 3, 3600 * 24, [{"type": "c_rate", "value": 0.02}]),
    ("Discharge at C/3 for 2 hours or until 2.5 V", "CRate", 1 / 3, 7200.0, [{"type": "voltage", "value": 2.5}]),
]
for text, typ, value, dur, terms in ASSERTED:
    r = step_string(text)
    assert (r["type"], r["duration"], r["termination"]) == (typ, dur, terms), (text, r)
    assert abs(r["value"] - value) < 1e-12, (text, r)
REFUSED = ["Discharge at 1 A at 2 hours", "Run at 1 A for 2 hours", "Play at 1 A for 2 hours", "Do at 1 A",
           "Cell Charge at 1 A for 2 hours", "Discharge at 1 B for 2 hours", "Discharge at 1 A for 2 years",
           "Discharge at 1C for 1 hour at 298.15oC"]
for text in REFUSED:
    assert not outcome(text)["ok"], text

# ───────────── harvest the strings ─────────────
STEP = re.compile(r"^(Charge|Discharge|Rest|Hold|Run) (at|for) ")
found = {}


def add(s, where):
    if STEP.match(s) and "{" not in s and "\n" not in s:
        found.setdefault(s, []).append(where)


files = [f for f in git("ls-tree", "-r", "--name-only", "HEAD").splitlines() if re.search(r"\.(py|ipynb|md|rst)$", f)]
for f in files:
    src = git("show", f"HEAD:{f}")
    if f.endswith(".py"):
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        in_fstring = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in in_fstring:
                add(node.value, f"{f}:{node.lineno}")
    else:
        for k, line in enumerate(src.splitlines(), 1):
            for m in re.finditer(r"(?<!\\)\"((?:Charge|Discharge|Rest|Hold|Run) (?:at|for) [^\"\\\\]*)(?:\\\\)?\"", line):
                add(m.group(1), f"{f}:{k}")
            for m in re.finditer(r"'((?:Charge|Discharge|Rest|Hold|Run) (?:at|for) [^'\\\\]*)'", line):
                add(m.group(1), f"{f}:{k}")
bad_src = git("show", "HEAD:packages/pybamm/tests/unit/test_experiments/test_experiment_steps.py")
for text in REFUSED:
    line = next((k for k, l in enumerate(bad_src.splitlines(), 1) if json.dumps(text) in l), None)
    found.setdefault(text, []).append(f"packages/pybamm/tests/unit/test_experiments/test_experiment_steps.py:{line}")

strings = [{"text": t, "sources": sorted(set(w))[:5], "occurrences": len(w), "pybamm": outcome(t)} for t, w in sorted(found.items())]
json.dump({
    "about": "PyBaMM experiment step strings (every literal of the repository that reads as a step, and the strings its tests refuse) with the meaning PyBaMM's step.string gives each (duration includes PyBaMM's default; values PyBaMM's: positive on discharge)",
    "repository": "pybamm-team/PyBaMM", "commit": commit, "licence": "BSD-3-Clause (LICENSE-PyBaMM.txt)",
    "strings": strings,
}, open(f"{OUT}/experiment-strings.json", "w"), indent=1)

# ───────────── Experiment(...) structures ─────────────


class NotLiteral(Exception):
    pass


def ev(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)):
        return node.value
    if isinstance(node, ast.List):
        return [ev(e) for e in node.elts]
    if isinstance(node, ast.Tuple):
        return tuple(ev(e) for e in node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Add)):
        a, b = ev(node.left), ev(node.right)
        return a * b if isinstance(node.op, ast.Mult) else a + b
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "string":
        for kw in node.keywords:
            ev(kw.value)  # every keyword a literal too
        return ("__step__", ev(node.args[0]))
    if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "datetime":
        return tuple(ev(a) for a in node.args)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -ev(node.operand)
    raise NotLiteral()


structures = []
for f in files:
    if not f.endswith(".py"):
        continue
    src = git("show", f"HEAD:{f}")
    try:
        tree = ast.parse(src)
    except SyntaxError:
        continue
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and (getattr(node.func, "attr", None) == "Experiment" or getattr(node.func, "id", None) == "Experiment")):
            continue
        if not node.args:
            continue
        try:
            ops = ev(node.args[0])
            for a in node.args[1:]:
                ev(a)
            for kw in node.keywords:
                ev(kw.value)
        except NotLiteral:
            continue
        if not isinstance(ops, list) or not ops:
            continue
        def step_text(s):
            return s[1] if isinstance(s, tuple) and len(s) == 2 and s[0] == "__step__" else s
        cycles = []
        ok = True
        for c in ops:
            if isinstance(c, tuple) and not (len(c) == 2 and c[0] == "__step__"):
                cycles.append([step_text(s) for s in c])
            else:
                cycles.append([step_text(c)])
        if not all(isinstance(s, str) for cy in cycles for s in cy):
            continue
        text = ast.get_source_segment(src, node)
        if text is None:
            continue
        structures.append({"source": f"{f}:{node.lineno}", "text": text,
                           "cycleLengths": [len(c) for c in cycles], "steps": [s for c in cycles for s in c],
                           "allStepsParse": all(outcome(s)["ok"] for c in cycles for s in c)})
json.dump({
    "about": "pybamm.Experiment(...) calls of the repository with literal operating conditions: their text and the cycles PyBaMM forms (experiment.py: a tuple is a cycle of its steps, any other element a cycle of one step)",
    "repository": "pybamm-team/PyBaMM", "commit": commit, "licence": "BSD-3-Clause (LICENSE-PyBaMM.txt)",
    "structures": structures,
}, open(f"{OUT}/experiment-structures.json", "w"), indent=1)
open(f"{OUT}/LICENSE-PyBaMM.txt", "w").write(git("show", "HEAD:LICENSE.txt"))
print(commit, len(strings), "strings", sum(1 for s in strings if s["pybamm"]["ok"]), "accepted;", len(structures), "structures")
