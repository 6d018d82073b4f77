"""
Builds test/conformance/corpora/bpx/*.json from the reference repositories' own tests (run once, by
hand, to regenerate the committed corpus; rollcell never runs Python):

  python3 scripts/conformance/harvest_bpx.py <BPX git dir> <PyBaMM git dir>

Each test document is the test's base dictionary (read from the test file with ast.literal_eval, never
executed) with the test's own modifications (transcribed below, one function per test), and the
outcome the test asserts: accepted / refused by the bpx validator (with the field path and the message
fragment the test matches), the warnings it expects, and for PyBaMM's tests what
ParameterValues.create_from_bpx does with the document.
"""
import ast
import copy
import json
import subprocess
import sys

BPX_DIR, PYBAMM_DIR = sys.argv[1], sys.argv[2]
OUT = "test/conformance/corpora/bpx"


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, check=True).stdout


def head(repo):
    return git(repo, "rev-parse", "HEAD").strip()


def setup_dicts(src, method):
    """self.<name> = {...} assignments in the test class's set-up method, by literal_eval"""
    tree = ast.parse(src)
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == method:
            for st in node.body:
                target = st.targets[0] if isinstance(st, ast.Assign) else st.target if isinstance(st, ast.AnnAssign) else None
                if isinstance(target, ast.Attribute) and st.value is not None:
                    out[target.attr] = ast.literal_eval(st.value)
    return out


def test_line(src, name):
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node.lineno
    raise KeyError(name)


def setp(d, path, value):
    for k in path[:-1]:
        d = d[k]
    d[path[-1]] = value


def delp(d, path):
    for k in path[:-1]:
        d = d[k]
    del d[path[-1]]


# ─────────────────────────── FaradayInstitution/BPX tests/test_schema.py ───────────────────────────
schema_src = git(BPX_DIR, "show", "HEAD:tests/test_schema.py")
B = setup_dicts(schema_src, "setUp")
P = "Parameterisation"
ACCEPT = {"valid": True}


def refuse(paths, match):
    return {"valid": False, "paths": paths, "match": match}


def mod(base, *ops):
    d = copy.deepcopy(B[base])
    for op in ops:
        op(d)
    return d


S = lambda path, v: (lambda d: setp(d, path, v))  # noqa: E731
D = lambda path: (lambda d: delp(d, path))  # noqa: E731
EL = [P, "Electrolyte"]
NE = [P, "Negative electrode"]
CELL = [P, "Cell"]
UD = [P, "User-defined"]
IC = ["State", "Initial conditions"]
TE = ["State", "Thermal environment"]

partial_spm_neg = {
    "Particle radius [m]": 5.86e-6, "Thickness [m]": 85.2e-6, "Diffusivity [m2.s-1]": 3.3e-14,
    "OCP [V]": {"x": [0, 0.1, 1], "y": [1.72, 1.2, 0.06]}, "Surface area per unit volume [m-1]": 383959,
    "Reaction rate constant [mol.m-2.s-1]": 1e-10, "Maximum concentration [mol.m-3]": 33133,
    "Minimum stoichiometry": 0.01, "Maximum stoichiometry": 0.99,
}
partial_blended_spm_neg = {
    "Thickness [m]": 75.6e-6,
    "Particle": {"Primary": {
        "Particle radius [m]": 5.22e-6, "Diffusivity [m2.s-1]": 4.0e-15,
        "OCP [V]": {"x": [0, 0.1, 1], "y": [1.72, 1.2, 0.06]}, "Surface area per unit volume [m-1]": 382184,
        "Reaction rate constant [mol.m-2.s-1]": 1e-10, "Maximum concentration [mol.m-3]": 63104.0,
        "Minimum stoichiometry": 0.1, "Maximum stoichiometry": 0.9}},
}

def partial_dfn_with_spm(d):
    setp(d, [P, "Positive electrode"], copy.deepcopy(partial_spm_neg))
    delp(d, NE)


VALIDATION = {
    "Experiment 1": {"Time [s]": [0, 1000, 2000], "Current [A]": [-0.625, -0.625, -0.625],
                     "Voltage [V]": [4.19367569, 4.1677888, 4.14976386], "Temperature [K]": [298.15, 298.15, 298.15]},
    "Experiment 2": {"Time [s]": [0, 1000], "Current [A]": [-0.625, -0.625], "Voltage [V]": [4.19367569, 4.1677888],
                     "Temperature [K]": [298.15, 298.15]},
}
NESTED_UD = {
    "description": "My model",
    "My model 1": {"Function 1": "2.0 * x", "Parameter 1": 0.1, "coefficients": {"x": [1.0, 2.0], "y": [2.3, 4.5]}},
    "My model 2": {"Function 1": "4.0 * x", "Parameter 1": 0.5, "Parameter 2": 2,
                   "coefficients": {"x": [10.0, 20.0], "y": [20.3, 40.5]}},
}
TABLE = {"x": [0, 0.1, 1], "y": [1.72, 1.2, 0.06]}
schema_cases = [
    ("test_simple", mod("base"), ACCEPT, {}),
    ("test_simple_spme", mod("base", S(["Header", "Model"], "SPMe")), ACCEPT, {}),
    ("test_simple_spm", mod("base_spm"), ACCEPT, {}),
    ("test_missing_model", mod("base", D(["Header", "Model"])), refuse(["Header.Model"], "Field required"), {}),
    ("test_bad_model", mod("base", S(["Header", "Model"], "Wrong model type")),
     refuse(["Header.Model"], "Input should be 'SPM', 'SPMe', 'DFN' or 'Partial'"), {}),
    ("test_bad_dfn", mod("base_spm", S(["Header", "Model"], "DFN")),
     refuse([""], "Valid SPM parameter set does not correspond with"), {}),
    ("test_bad_spme", mod("base_spm", S(["Header", "Model"], "SPMe")),
     refuse([""], "Valid SPM parameter set does not correspond with"), {}),
    ("test_bad_spm", mod("base", S(["Header", "Model"], "SPM")),
     refuse([""], "Valid parameter set does not correspond with"), {}),
    ("test_table", mod("base", S(EL + ["Conductivity [S.m-1]"], {"x": [1.0, 2.0], "y": [2.3, 4.5]})), ACCEPT, {}),
    ("test_bad_table", mod("base", S(EL + ["Conductivity [S.m-1]"], {"x": [1.0, 2.0], "y": [2.3]})),
     refuse(["Parameterisation.Electrolyte.Conductivity [S.m-1].y"], "x & y should be same length"), {}),
    ("test_function", mod("base", S(EL + ["Conductivity [S.m-1]"], "1.0 * x + 3")), ACCEPT, {}),
    ("test_function_with_exp", mod("base", S(EL + ["Conductivity [S.m-1]"], "1.0 * exp(x) + 3")), ACCEPT, {}),
    ("test_bad_function", mod("base", S(EL + ["Conductivity [S.m-1]"], "this is not a function")),
     refuse(["Parameterisation.Electrolyte.Conductivity [S.m-1]"], ""), {}),
    ("test_to_python_function", mod("base", S(EL + ["Conductivity [S.m-1]"], "2.0 * x")), ACCEPT, {}),
    ("test_bad_input", mod("base", S(EL + ["bad"], "this shouldn't be here")),
     refuse(["Parameterisation.Electrolyte.bad"], "Extra inputs are not permitted"), {"errorCount": 1}),
    ("test_ints_preserved", mod("base_spm"), ACCEPT, {}),
    ("test_validation_data", mod("base", S(["Validation"], VALIDATION)), ACCEPT, {}),
    ("test_check_sto_limits_validator",
     mod("base_non_blended", S(CELL + ["Upper voltage cut-off [V]"], 4.3), S(CELL + ["Lower voltage cut-off [V]"], 2.5)),
     ACCEPT, {"warnings": []}),
    ("test_check_sto_limits_validator_high_voltage", mod("base_non_blended", S(CELL + ["Upper voltage cut-off [V]"], 4.0)),
     ACCEPT, {"warnings": ["maximum voltage computed from the STO limits"]}),
    ("test_check_sto_limits_validator_high_voltage_tolerance",
     mod("base_non_blended", S(CELL + ["Upper voltage cut-off [V]"], 4.0)), ACCEPT, {"warnings": [], "vTol": 0.25}),
    ("test_check_sto_limits_validator_low_voltage",
     mod("base_non_blended", S(CELL + ["Upper voltage cut-off [V]"], 4.3), S(CELL + ["Lower voltage cut-off [V]"], 3.0)),
     ACCEPT, {"warnings": ["minimum voltage computed from the STO limits"]}),
    ("test_check_sto_limits_validator_low_voltage_tolerance",
     mod("base_non_blended", S(CELL + ["Lower voltage cut-off [V]"], 3.0)), ACCEPT, {"warnings": [], "vTol": 0.35}),
    ("test_user_defined", mod("base", S(UD, {"a": 1.0, "b": 2.0, "c": 3.0})), ACCEPT, {}),
    ("test_user_defined_table", mod("base", S(UD, {"a": {"x": [1.0, 2.0], "y": [2.3, 4.5]}})), ACCEPT, {}),
    ("test_user_defined_bad_table", mod("base", S(UD, {"a": {"a": [1.0, 2.0], "b": [2.3, 4.5]}})),
     refuse(["Parameterisation.User-defined"], ""), {}),
    ("test_user_defined_function", mod("base", S(UD, {"a": "2.0 * x"})), ACCEPT, {}),
    ("test_user_defined_bad_function", mod("base", S(UD, {"a": "this is not a function"})),
     refuse(["Parameterisation.User-defined"], ""), {}),
    ("test_bad_user_defined", mod("base", S(UD, {"bad": True})),
     refuse(["Parameterisation.User-defined.bad"], "TypeError"), {}),
    ("test_user_defined_int", mod("base", S(UD, {"foobar": 10})), ACCEPT, {}),
    ("test_deprecated_bpx_version", mod("base", S(["Header", "BPX"], 0.4)), ACCEPT,
     {"warnings": ["The 'bpx' field now expects the BPX semantic version as a string"]}),
    ("test_bad_bpx_version", mod("base", S(["Header", "BPX"], "1.2.3.4")),
     refuse(["Header.BPX"], "String should match pattern"), {}),
    ("test_valid_nested_user_defined", mod("base", S(UD, NESTED_UD)), ACCEPT, {}),
    ("test_invalid_nested_string_user_defined", mod("base", S(UD, {"My model 2": {"submodel": "Type 1"}})),
     refuse(["Parameterisation.User-defined"], "Invalid Function: "), {}),
    ("test_invalid_nested_table_user_defined",
     mod("base", S(UD, {"My model 2": {"coefficients": {"a": [1.0, 2.0], "b": [2.3, 4.5]}}})),
     refuse(["Parameterisation.User-defined"], "Field required"), {}),
    ("test_invalid_type_nested_user_defined", mod("base", S(UD, {"My model 2": {"Is a good model": True}})),
     refuse(["Parameterisation.User-defined.My model 2.Is a good model"], "must be of type 'FloatFunctionTable'"), {}),
    ("test_invalid_description_user_defined", mod("base", S(UD, {"description": 5.0})),
     refuse(["Parameterisation.User-defined.description"], "Input should be a valid string"), {}),
    ("test_ocp_delith", mod("base", S(NE + ["OCP (delithiation) [V]"], TABLE)), ACCEPT, {}),
    ("test_ocp_lith", mod("base", S(NE + ["OCP (lithiation) [V]"], TABLE)), ACCEPT, {}),
    ("test_gamma_hys", mod("base", S(NE + ["OCP hysteresis decay constant"], 0.01)), ACCEPT, {}),
    ("test_error_state_material_no_dict",
     mod("base", S(["State", "Degradation"], {"LLI": 10, "LAM: Negative electrode": 5, "LAM: Positive electrode": 10})),
     refuse(["State.Degradation.LAM: Positive electrode"], "'State.Degradation.LAM: Positive electrode' must be a dict"), {}),
    ("test_error_state_dict_not_blended",
     mod("base_non_blended", S(CELL + ["Upper voltage cut-off [V]"], 4.3), S(CELL + ["Lower voltage cut-off [V]"], 2.5),
         S(["State", "Degradation"], {"LLI": 10, "LAM: Negative electrode": 5, "LAM: Positive electrode": {"Material A": 10}})),
     refuse(["State.Degradation.LAM: Positive electrode"], "'State.Degradation.LAM: Positive electrode' must be a float"), {}),
    ("test_error_state_material_incorrect_keys",
     mod("base", S(["State", "Degradation"], {"LLI": 10, "LAM: Negative electrode": 5,
                                               "LAM: Positive electrode": {"Primary": 10, "Bad material": 5}})),
     refuse(["State.Degradation.LAM: Positive electrode"], "'State.Degradation.LAM: Positive electrode' keys must exactly match"), {}),
    ("test_simple_partial_set", mod("partial"), ACCEPT, {}),
    ("test_invalid_simple_partial_set", mod("partial", S(["Cell"], {"bad_field": 123})),
     refuse(["Cell"], "Extra inputs are not permitted"), {}),
    ("test_partial_mismatched_electrodes[single SPM negative]", mod("partial", S(NE, copy.deepcopy(partial_spm_neg))),
     refuse(["Parameterisation"], "Negative and positive electrodes must be of consistent model types. Currently types are: Positive electrode: <class 'bpx.schema.ElectrodeBlended'>, Negative electrode: <class 'bpx.schema.ElectrodeSingleSPM'>"), {}),
    ("test_partial_mismatched_electrodes[blended SPM negative]", mod("partial", S(NE, copy.deepcopy(partial_blended_spm_neg))),
     refuse(["Parameterisation"], "Negative and positive electrodes must be of consistent model types. Currently types are: Positive electrode: <class 'bpx.schema.ElectrodeBlended'>, Negative electrode: <class 'bpx.schema.ElectrodeBlendedSPM'>"), {}),
    ("test_partial_dfn_with_spm_electrodes", mod("partial", partial_dfn_with_spm),
     refuse(["Parameterisation"], "SPM electrodes cannot be used with full model parameters ['electrolyte', 'separator']"), {}),
    ("test_no_state_present_allowed", mod("base_spm", D(["State"])), ACCEPT, {}),
    ("test_optional_state_subsections", mod("base_spm", S(["State"], {})), ACCEPT, {}),
    ("test_optional_electrolyte_concentration", mod("base_spm", D(IC + ["Initial electrolyte concentration [mol.m-3]"])), ACCEPT, {}),
    ("test_optional_hysteresis_state_blended",
     mod("base_spm", D(IC + ["Initial hysteresis state: Positive electrode"]), D(IC + ["Initial hysteresis state: Negative electrode"])),
     ACCEPT, {}),
    ("test_optional_thermal_environment_fields",
     mod("base_spm", D(TE + ["Heat transfer coefficient [W.m-2.K-1]"]), D(TE + ["Ambient temperature [K]"])), ACCEPT, {}),
    ("test_blended_hysteresis_keys_still_checked_when_present",
     mod("base_spm", S(IC + ["Initial hysteresis state: Positive electrode"], 1.0)), refuse(["State.Initial conditions.Initial hysteresis state: Positive electrode"], "must be a dict"), {}),
]
NOT_JSON = [("test_invalid_key_user_defined", "a non-string key (4) cannot be written in JSON")]

# ─────────────────────────── tests/test_parsers.py (parse_bpx_str / parse_bpx_obj: legacy conversion) ───────────────────────────
parsers_src = git(BPX_DIR, "show", "HEAD:tests/test_parsers.py")
tree = ast.parse(parsers_src)
base_str = None
for node in ast.walk(tree):
    if isinstance(node, ast.FunctionDef) and node.name == "setUp":
        for st in node.body:
            if isinstance(st, ast.Assign) and isinstance(st.value, ast.Constant):
                base_str = st.value.value
pbase = json.loads(base_str.replace("\n", ""))


def v0(obj):
    o = copy.deepcopy(obj)
    state = o.pop("State")
    o["Header"]["BPX"] = 0.4
    cell = o[P]["Cell"]
    ic, te = state["Initial conditions"], state["Thermal environment"]
    cell["Initial temperature [K]"] = ic["Initial temperature [K]"]
    cell["Ambient temperature [K]"] = te["Ambient temperature [K]"]
    cell["Thermal conductivity [W.m-1.K-1]"] = 1.5
    o[P]["Electrolyte"]["Initial concentration [mol.m-3]"] = ic["Initial electrolyte concentration [mol.m-3]"]
    return o


def pmod(obj, *ops):
    d = copy.deepcopy(obj)
    for op in ops:
        op(d)
    return d


LEGACY = "legacy BPX v0"
parser_cases = [
    ("test_parse_string", pbase, ACCEPT, {"warnings": ["The maximum voltage computed from the STO limits"], "legacy": False}),
    ("test_parse_string_tolerance", pbase, ACCEPT, {"warnings": [], "vTol": 0.002}),
    ("test_thermal_conductivity_error", pmod(pbase, S(CELL + ["Thermal conductivity [W.m-1.K-1]"], 2.04)),
     refuse(["Parameterisation.Cell"], "The 'Thermal conductivity [W.m-1.K-1]' field is not part of the BPX schema"), {}),
    ("test_temps_in_cell_error", pmod(pbase, S(CELL + ["Initial temperature [K]"], 299)),
     refuse(["Parameterisation.Cell"], "The 'Initial temperature [K]' and 'Ambient temperature [K]' fields have been moved."), {}),
    ("test_initial_concentration_error", pmod(pbase, S(EL + ["Initial concentration [mol.m-3]"], 1000)),
     refuse(["Parameterisation.Electrolyte"], "'Initial concentration [mol.m-3]' has been renamed and moved."), {}),
    ("test_v0_obj_is_converted_with_warning", v0(pbase), ACCEPT,
     {"legacy": True, "warningsInclude": [LEGACY], "state": {"Thermal environment.Ambient temperature [K]": 299, "Initial conditions.Initial temperature [K]": 299, "Initial conditions.Initial electrolyte concentration [mol.m-3]": 1000}}),
    ("test_v0_missing_initial_temperature_falls_back_to_ambient", pmod(v0(pbase), D(CELL + ["Initial temperature [K]"])), ACCEPT,
     {"legacy": True, "state": {"Initial conditions.Initial temperature [K]": 299}}),
    ("test_v0_missing_ambient_temperature_falls_back_to_reference", pmod(v0(pbase), D(CELL + ["Ambient temperature [K]"])), ACCEPT,
     {"legacy": True, "state": {"Thermal environment.Ambient temperature [K]": 298.15}}),
    ("test_convert_legacy_false_does_not_convert", v0(pbase), refuse(["Parameterisation.Cell"], "have been moved"), {"convertLegacy": False}),
    ("test_v1_object_not_converted", pbase, ACCEPT, {"legacy": False}),
    ("test_invalid_header_raises", {"Parameterisation": {}}, refuse(["Header.BPX"], "Header"), {}),
]

# ─────────────────────────── PyBaMM tests/unit/test_parameters/test_bpx.py ───────────────────────────
pyb_src = git(PYBAMM_DIR, "show", "HEAD:packages/pybamm/tests/unit/test_parameters/test_bpx.py")
PB = setup_dicts(pyb_src, "setup_method")["base"]


def pb(*ops):
    d = copy.deepcopy(PB)
    for op in ops:
        op(d)
    return d


def blended_phase(radius, sav, with_hysteresis=False, decay=None):
    phase = {"Diffusivity [m2.s-1]": 3.2e-14, "Particle radius [m]": radius, "OCP [V]": "4.0 - 0.5 * x",
             "Entropic change coefficient [V.K-1]": -1e-4, "Surface area per unit volume [m-1]": sav,
             "Reaction rate constant [mol.m-2.s-1]": 2.305e-05, "Minimum stoichiometry": 0.42424,
             "Maximum stoichiometry": 0.96210, "Maximum concentration [mol.m-3]": 46200,
             "Diffusivity activation energy [J.mol-1]": 15000, "Reaction rate constant activation energy [J.mol-1]": 3500}
    if with_hysteresis:
        phase.update({"OCP (lithiation) [V]": "4.0 - 0.5 * x", "OCP (delithiation) [V]": "4.05 - 0.5 * x",
                      "OCP hysteresis decay constant": decay})
    return phase


def blended_positive(with_hysteresis=False):
    return {"Thickness [m]": 5.23e-05, "Conductivity [S.m-1]": 0.789, "Porosity": 0.277493, "Transport efficiency": 0.1462,
            "Particle": {"Large Particles": blended_phase(8e-06, 186331, with_hysteresis, 0.03),
                         "Small Particles": blended_phase(1e-06, 496883, with_hysteresis, 0.04)}}


NMC_OCP = ("-3.04420906 * x + 10.04892207 - 0.65637536 * tanh(-4.02134095 * (x - 0.80063948)) + "
           "4.24678547 * tanh(12.17805062 * (x - 7.57659337)) - 0.3757068 * tanh(59.33067782 * (x - 0.99784492))")


def nmc_phase(radius, sav):
    return {"Diffusivity [m2.s-1]": 3.2e-14, "Particle radius [m]": radius, "OCP [V]": NMC_OCP,
            "Entropic change coefficient [V.K-1]": -1e-4, "Surface area per unit volume [m-1]": sav,
            "Reaction rate constant [mol.m-2.s-1]": 2.305e-05, "Minimum stoichiometry": 0.42424,
            "Maximum stoichiometry": 0.96210, "Maximum concentration [mol.m-3]": 46200,
            "Diffusivity activation energy [J.mol-1]": 15000, "Reaction rate constant activation energy [J.mol-1]": 3500}


def nmc_blend(names_radii):
    return {"Thickness [m]": 5.23e-05, "Conductivity [S.m-1]": 0.789, "Porosity": 0.277493, "Transport efficiency": 0.1462,
            "Particle": {n: nmc_phase(r, a) for n, r, a in names_radii}}


PE = [P, "Positive electrode"]
SE = [P, "Separator"]
TABLE01 = {"x": [0, 1], "y": [0, 1]}


def pb_update(path, values):
    def op(d):
        t = d
        for k in path:
            t = t[k]
        t.update(values)
    return op


def pb_v0(obj):
    o = copy.deepcopy(obj)
    state = o.pop("State")
    o["Header"]["BPX"] = 0.4
    cell = o[P]["Cell"]
    ic, te = state["Initial conditions"], state["Thermal environment"]
    cell["Initial temperature [K]"] = ic["Initial temperature [K]"]
    cell["Ambient temperature [K]"] = te["Ambient temperature [K]"]
    cell["Thermal conductivity [W.m-1.K-1]"] = 1.5
    o[P]["Electrolyte"]["Initial concentration [mol.m-3]"] = ic["Initial electrolyte concentration [mol.m-3]"]
    return o


def blended_obj():
    return pb(S(PE, blended_positive()), S(IC + ["Initial hysteresis state: Positive electrode"],
                                             {"Large Particles": 0.0, "Small Particles": 0.0}))


axen = []
for el in ("Negative electrode", "Positive electrode"):
    axen.append((lambda el: lambda d: d[P][el].update({"OCP (lithiation) [V]": d[P][el]["OCP [V]"],
                                                       "OCP (delithiation) [V]": d[P][el]["OCP [V]"],
                                                       "OCP hysteresis decay constant": 0.01}))(el))

OK = {"valid": True}
LOADS = {"loads": True}
pybamm_cases = [
    ("test_bpx[new negative diffusivity]", pb(S(NE + ["Diffusivity [m2.s-1]"], "8.3e-13 * exp(-13.4 * x) + 9.6e-15")), OK, LOADS),
    ("test_bpx", pb(), OK, LOADS),
    ("test_constant_functions", pb(pb_update(EL, {"Conductivity [S.m-1]": 1, "Diffusivity [m2.s-1]": 1}),
                                   pb_update(NE, {"Diffusivity [m2.s-1]": 1, "Entropic change coefficient [V.K-1]": 1}),
                                   pb_update(PE, {"Diffusivity [m2.s-1]": 1, "Entropic change coefficient [V.K-1]": 1})), OK, LOADS),
    ("test_table_data", pb(pb_update(EL, {"Conductivity [S.m-1]": TABLE01, "Diffusivity [m2.s-1]": TABLE01}),
                           pb_update(NE, {"Diffusivity [m2.s-1]": TABLE01, "OCP [V]": TABLE01, "Entropic change coefficient [V.K-1]": TABLE01}),
                           pb_update(PE, {"Diffusivity [m2.s-1]": TABLE01, "OCP [V]": TABLE01, "Entropic change coefficient [V.K-1]": TABLE01})), OK, LOADS),
    ("test_bpx_to_json_roundtrip[constant]", pb(*[S([P, s, "Diffusivity [m2.s-1]"], 1) for s in ("Electrolyte", "Negative electrode", "Positive electrode")],
                                               S(EL + ["Conductivity [S.m-1]"], 1)), OK, LOADS),
    ("test_bpx_to_json_roundtrip[table]", pb(*[S([P, s, "Diffusivity [m2.s-1]"], TABLE01) for s in ("Electrolyte", "Negative electrode", "Positive electrode")],
                                            S(EL + ["Conductivity [S.m-1]"], TABLE01)), OK, LOADS),
    ("test_bpx_blended", pb(S(PE, nmc_blend([("Large Particles", 8e-06, 186331), ("Small Particles", 1e-06, 496883)])),
                            S(IC + ["Initial hysteresis state: Positive electrode"], {"Large Particles": 0.0, "Small Particles": 0.0})), OK, LOADS),
    ("test_bpx_blended_error", pb(S(PE, nmc_blend([("Large Particles", 8e-06, 186331), ("Medium Particles", 4e-06, 186331), ("Small Particles", 1e-06, 186331)])),
                                  S(IC + ["Initial hysteresis state: Positive electrode"], {"Large Particles": 0.0, "Medium Particles": 0.0, "Small Particles": 0.0})),
     OK, {"loads": True, "pybamm": "NotImplementedError: PyBaMM does not support more than two particle phases in blended electrodes"}),
    ("test_bpx_user_defined", pb(S(UD, {"User-defined scalar parameter": 1.0, "User-defined parameter data": TABLE01,
                                         "User-defined parameter data function": "x**2"})), OK, LOADS),
    ("test_bpx_activation_energy_default", pb(D(NE + ["Diffusivity activation energy [J.mol-1]"])), OK, LOADS),
    ("test_bruggeman_coefficient_calculation", pb(pb_update(NE, {"Porosity": 0.42, "Transport efficiency": 0.75}),
                                                  pb_update(SE, {"Porosity": 0.50, "Transport efficiency": 0.80}),
                                                  pb_update(PE, {"Porosity": 0.38, "Transport efficiency": 0.70})), OK, LOADS),
    ("test_bruggeman_invalid_values_raise", pb(S(NE + ["Porosity"], 0)), OK,
     {"loads": False, "pybamm": "ValueError: math domain error (Bruggeman coefficient log(transport efficiency)/log(porosity) with porosity 0)"}),
    ("test_bpx_hysteresis_names", pb(pb_update(NE, {"OCP (lithiation) [V]": {"x": [0, 1], "y": [0.1, 1.5]}, "OCP (delithiation) [V]": {"x": [0, 1], "y": [0.15, 1.55]}, "OCP hysteresis decay constant": 0.01}),
                                     pb_update(PE, {"OCP (lithiation) [V]": {"x": [0, 1], "y": [4.2, 3.0]}, "OCP (delithiation) [V]": {"x": [0, 1], "y": [4.25, 3.05]}, "OCP hysteresis decay constant": 0.02})), OK, LOADS),
    ("test_bpx_hysteresis_blended", pb(S(PE, blended_positive(True)), S(IC + ["Initial hysteresis state: Positive electrode"], {"Large Particles": 0.0, "Small Particles": 0.0})), OK, LOADS),
    ("test_bpx_initial_hysteresis_state_scalar", pb(S(IC + ["Initial hysteresis state: Negative electrode"], 0.5), S(IC + ["Initial hysteresis state: Positive electrode"], -0.25)), OK, LOADS),
    ("test_bpx_initial_hysteresis_state_blended", pb(S(PE, blended_positive()), S(IC + ["Initial hysteresis state: Positive electrode"], {"Large Particles": 0.7, "Small Particles": 0.3}),
                                                     S(IC + ["Initial hysteresis state: Negative electrode"], 1.0)), OK, LOADS),
    ("test_bpx_heat_transfer_coefficient_preserved", pb(S(TE + ["Heat transfer coefficient [W.m-2.K-1]"], 42.0)), OK, {"loads": True, "heatTransferCoefficient": 42.0}),
    ("test_bpx_axen_hysteresis_end_to_end", pb(*axen), OK, LOADS),
    ("test_bpx_initial_soc_applied_from_state", pb(S(IC + ["Initial state-of-charge"], 0.25)), OK, {"loads": True, "initialSoc": 0.25}),
    ("test_bpx_initial_soc_out_of_range_raises", pb(S(IC + ["Initial state-of-charge"], 1.5)), OK,
     {"loads": False, "pybamm": "ValueError: Initial SOC must be between 0 and 1"}),
    ("test_bpx_blended_initial_soc_applied", pb(S(PE, blended_positive()), S(IC + ["Initial hysteresis state: Positive electrode"], {"Large Particles": 0.0, "Small Particles": 0.0}),
                                                S(IC + ["Initial state-of-charge"], 0.5)), OK, {"loads": True, "initialSoc": 0.5}),
    ("test_bpx_v0_obj_is_converted_with_warning", pb_v0(PB), OK, {"loads": True, "legacy": True, "ambient_K": 298.15}),
    ("test_bpx_v0_blended_is_converted", pb_v0(blended_obj()), OK, {"loads": True, "legacy": True}),
    ("test_bpx_invalid_header_raises", {"Parameterisation": {}}, {"valid": False, "paths": ["Header.BPX"], "match": "Header"}, {"loads": False}),
    ("test_bpx_state_section_can_be_omitted", pb(D(["State"])), OK, {"loads": True, "ambient_K": 298.15, "initialElectrolyte": 1000, "heatTransferCoefficient": 0}),
    ("test_bpx_state_omitted_temperatures_default_to_reference", pb(S(CELL + ["Reference temperature [K]"], 300.0), D(IC + ["Initial temperature [K]"]), D(TE + ["Ambient temperature [K]"])),
     OK, {"loads": True, "ambient_K": 300.0, "initial_K": 300.0}),
    ("test_bpx_state_omitted_electrolyte_concentration_defaults_to_1M", pb(D(IC + ["Initial electrolyte concentration [mol.m-3]"])), OK, {"loads": True, "initialElectrolyte": 1000}),
    ("test_bpx_state_omitted_heat_transfer_coefficient_defaults_to_zero", pb(D(TE + ["Heat transfer coefficient [W.m-2.K-1]"])), OK, {"loads": True, "heatTransferCoefficient": 0}),
    ("test_bpx_absent_thermal_properties_are_omitted_not_none", pb(D(CELL + ["Specific heat capacity [J.K-1.kg-1]"]), D(CELL + ["Density [kg.m-3]"])), OK, LOADS),
]


def cases(src_name, repo, path, src, items, api):
    out = []
    for name, doc, verdict, extra in items:
        base_name = name.split("[")[0]
        out.append({"name": name, "source": f"{path}:{test_line(src, base_name)}", "api": api,
                    "document": doc, "expect": {**verdict, **extra}})
    return out


bpx_commit = head(BPX_DIR)
pyb_commit = head(PYBAMM_DIR)
corpus = {
    "about": "BPX test documents of the reference validator's own tests, with the outcome each test asserts",
    "repository": "FaradayInstitution/BPX", "commit": bpx_commit, "licence": "MIT (LICENSE-BPX.txt)",
    "notRepresentable": [{"name": n, "source": "tests/test_schema.py", "why": w} for n, w in NOT_JSON],
    "cases": cases("schema", BPX_DIR, "tests/test_schema.py", schema_src, schema_cases, "TypeAdapter(BPX).validate_python")
    + cases("parsers", BPX_DIR, "tests/test_parsers.py", parsers_src, parser_cases, "parse_bpx_obj"),
}
json.dump(corpus, open(f"{OUT}/bpx-tests.json", "w"), indent=1)
corpus = {
    "about": "BPX documents of PyBaMM's BPX tests (ParameterValues.create_from_bpx, which validates with bpx.parse_bpx_obj)",
    "repository": "pybamm-team/PyBaMM", "commit": pyb_commit, "licence": "BSD-3-Clause (LICENSE-PyBaMM.txt)",
    "cases": cases("pybamm", PYBAMM_DIR, "packages/pybamm/tests/unit/test_parameters/test_bpx.py", pyb_src, pybamm_cases, "parse_bpx_obj"),
}
json.dump(corpus, open(f"{OUT}/pybamm-bpx-tests.json", "w"), indent=1)
# the examples: files as published
for f in git(BPX_DIR, "ls-tree", "--name-only", "HEAD", "examples/").split():
    open(f"{OUT}/examples/{f.split('/')[-1]}", "w").write(git(BPX_DIR, "show", f"HEAD:{f}"))
open(f"{OUT}/LICENSE-BPX.txt", "w").write(git(BPX_DIR, "show", "HEAD:LICENSE.txt"))
open(f"{OUT}/LICENSE-PyBaMM.txt", "w").write(git(PYBAMM_DIR, "show", "HEAD:LICENSE.txt"))
print("bpx", bpx_commit, "pybamm", pyb_commit)
