/**
 * The Battery Parameter eXchange standard's own validation, without Python: what the reference
 * validator — the `bpx` package 1.1.1 of the Faraday Institution (github.com/FaradayInstitution/BPX,
 * bpx/schema.py, validators.py, _migrations.py, expression_parser.py, parsers.py `parse_bpx_obj`) —
 * accepts and refuses, with the same field paths and messages, and the warnings it gives.
 *
 * What it reproduces (pydantic v2 semantics of that schema):
 *  - legacy v0.x documents (Header.BPX major < 1) are converted to v1.x first (convert_v0_to_v1: the
 *    State block is synthesised — initial SOC 1, temperatures from Cell, the electrolyte's initial
 *    concentration moved; the lumped thermal conductivity dropped), with the legacy warning;
 *  - the Header is validated first (BPX version pattern, Model SPM/SPMe/DFN/Partial), then the
 *    Parameterisation for the model type (DFN/SPMe: Cell, Electrolyte, Negative/Positive electrode,
 *    Separator; SPM: Cell and the two electrodes without porosity, transport efficiency or conductivity;
 *    Partial: any), trying the other kind to say "Valid SPM parameter set does not correspond with the
 *    model type"; every object forbids unknown keys; required fields; numbers (pydantic's lax float/int:
 *    numeric strings pass, an int field refuses a fraction); functions (the pyparsing grammar of
 *    bpx/expression_parser.py: numbers, the variable x, + - * / **, calls name(args)); tables
 *    {x: [...], y: [...]} of equal length; blended electrodes ({Particle: {name: {...}}}); the moved
 *    fields refused where v1.x no longer has them (Cell temperatures, Cell thermal conductivity, the
 *    Electrolyte's initial concentration); User-defined (numbers, functions, tables, nested groups);
 *    State (Initial conditions, Thermal environment, Degradation) with its per-material checks
 *    against blended electrodes; Validation experiments;
 *  - the warnings of check_sto_limits (OCP at the stoichiometry limits vs the voltage cut-offs, 1 mV
 *    tolerance; it evaluates the OCP functions with Python's math exp/tanh/cosh only, so another
 *    function name there makes the reference fail with NameError — reproduced as a refusal).
 *
 * Paths are the full dotted path from the document root (`Parameterisation.Electrolyte.bad`); the
 * reference prints the part below the class it validates (`Electrolyte.bad` inside "validation error for
 * Parameterisation"). Pure: JSON value in, verdict out.
 */
import { REFERENCE_TEMPERATURE_K } from '../materials/constants.ts';

export interface BpxIssue {
  /** dotted path from the document root, '' for the whole document */
  readonly path: string;
  readonly message: string;
  /** pydantic's error type (missing, extra_forbidden, float_parsing, value_error, …) or the Python exception */
  readonly type: string;
}

export interface BpxVerdict {
  readonly valid: boolean;
  readonly errors: readonly BpxIssue[];
  readonly warnings: readonly string[];
  /** the document was BPX v0.x and was converted to v1.x before validation */
  readonly legacy: boolean;
  /** the v1.x document that was validated (the converted one for v0.x), when the document is an object */
  readonly document?: Record<string, unknown>;
}

type Json = unknown;
type Obj = Record<string, Json>;
const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** BPX version of the reference validator (stamped on converted v0.x documents) */
export const BPX_VALIDATOR_VERSION = '1.1.1';

const LEGACY_WARNING =
  'Detected a legacy BPX v0.x file/object; converting to the v1.x schema for backward ' +
  "compatibility. The conversion is approximate: the 'State' block is synthesised from the " +
  'v0.x parameterisation (initial SOC set to 1, ambient and initial temperatures resolved ' +
  'from those provided, lumped thermal conductivity dropped).';

/** thrown for an error that is not a pydantic ValidationError in the reference (KeyError, TypeError, …) */
class Abort extends Error {
  constructor(readonly issue: BpxIssue) {
    super(issue.message);
  }
}

function describe(v: Json): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

// ───────────────────────────── the function grammar (bpx/expression_parser.py) ─────────────────────────────

/**
 * Does `src` parse with bpx's ExpressionParser (pyparsing, parse_all)? Grammar:
 *   expr := term (('+'|'-') term)*;  term := factor (('*'|'/') factor)*;  factor := atom ('**' factor)*
 *   atom := ('+'|'-')* (name '(' expr (',' expr)* ')' | number | 'x' | '(' expr ')')
 *   number := pyparsing_common.number (an optional sign, integers, decimals, exponents)
 *   name := a letter then letters or digits
 * Returns undefined when it parses, else the position (0-based) and a message.
 */
export function bpxFunctionSyntaxError(src: string): { at: number; message: string } | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < src.length && ' \t\n\r'.includes(src[i]!)) i++;
  };
  class Stop extends Error {
    constructor(
      readonly at: number,
      msg: string,
    ) {
      super(msg);
    }
  }
  const NUM = /^[+-]?(?:\d+(?:[eE][+-]?\d+)|(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+)/;
  const NAME = /^[A-Za-z][A-Za-z0-9]*/;
  const atom = (): boolean => {
    ws();
    const save = i;
    while (i < src.length && (src[i] === '+' || src[i] === '-')) {
      i++;
      ws();
    }
    // function call (no backtracking once "name(" matched)
    const nm = NAME.exec(src.slice(i));
    if (nm) {
      const j = i + nm[0].length;
      let k = j;
      while (k < src.length && ' \t\n\r'.includes(src[k]!)) k++;
      if (src[k] === '(') {
        i = k + 1;
        if (!expr()) throw new Stop(i, `expected an expression in ${nm[0]}(…)`);
        ws();
        while (src[i] === ',') {
          i++;
          if (!expr()) throw new Stop(i, `expected an expression after ','`);
          ws();
        }
        if (src[i] !== ')') throw new Stop(i, `expected ')'`);
        i++;
        return true;
      }
    }
    const num = NUM.exec(src.slice(i));
    if (num) {
      i += num[0].length;
      return true;
    }
    if (src[i] === 'x') {
      i++;
      return true;
    }
    if (src[i] === '(') {
      const open = i;
      i++;
      if (expr()) {
        ws();
        if (src[i] === ')') {
          i++;
          return true;
        }
      }
      i = open;
    }
    i = save;
    return false;
  };
  const factor = (): boolean => {
    if (!atom()) return false;
    for (;;) {
      const save = i;
      ws();
      if (src.startsWith('**', i)) {
        i += 2;
        if (factor()) continue;
      }
      i = save;
      return true;
    }
  };
  const term = (): boolean => {
    if (!factor()) return false;
    for (;;) {
      const save = i;
      ws();
      if (src[i] === '*' || src[i] === '/') {
        i++;
        if (factor()) continue;
      }
      i = save;
      return true;
    }
  };
  function expr(): boolean {
    if (!term()) return false;
    for (;;) {
      const save = i;
      ws();
      if (src[i] === '+' || src[i] === '-') {
        i++;
        if (term()) continue;
      }
      i = save;
      return true;
    }
  }
  try {
    if (!expr()) return { at: i, message: `Expected an expression, found '${src.slice(i, i + 10)}'` };
    ws();
    if (i < src.length) return { at: i, message: `Expected end of text, found '${src.slice(i, i + 10)}'` };
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return { at: e.at, message: e.message };
    throw e;
  }
}

// ───────────────────────────── value validators (pydantic lax mode) ─────────────────────────────

type Errs = BpxIssue[];

/** pydantic float in lax mode: numbers (not bool? bool is accepted as 0/1), numeric strings */
function asFloat(v: Json, path: string, errs: Errs): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    const n = Number(t);
    if (t !== '' && /^[+-]?(\d+(_\d+)*\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf(inity)?|nan)$/i.test(t))
      return /^[+-]?inf/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : /nan/i.test(t) ? NaN : n;
    errs.push({
      path,
      message: 'Input should be a valid number, unable to parse string as a number',
      type: 'float_parsing',
    });
    return undefined;
  }
  errs.push({ path, message: 'Input should be a valid number', type: 'float_type' });
  return undefined;
}

/** pydantic int in lax mode: integers, floats without a fraction, integer strings */
function asInt(v: Json, path: string, errs: Errs): number | undefined {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v;
    errs.push({
      path,
      message: 'Input should be a valid integer, got a number with a fractional part',
      type: 'int_from_float',
    });
    return undefined;
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v);
  errs.push({
    path,
    message:
      typeof v === 'string'
        ? 'Input should be a valid integer, unable to parse string as an integer'
        : 'Input should be a valid integer',
    type: typeof v === 'string' ? 'int_parsing' : 'int_type',
  });
  return undefined;
}

function asStr(v: Json, path: string, errs: Errs): string | undefined {
  if (typeof v === 'string') return v;
  errs.push({ path, message: 'Input should be a valid string', type: 'string_type' });
  return undefined;
}

/** bpx InterpolatedTable: {x: list[float], y: list[float]} with len(y) == len(x); other keys ignored */
function asTable(v: Obj, path: string, errs: Errs): boolean {
  const n0 = errs.length;
  const list = (key: string): number | undefined => {
    const a = v[key];
    const p = join(path, key);
    if (a === undefined) {
      errs.push({ path: p, message: 'Field required', type: 'missing' });
      return undefined;
    }
    if (!Array.isArray(a)) {
      errs.push({ path: p, message: 'Input should be a valid list', type: 'list_type' });
      return undefined;
    }
    const m = errs.length;
    a.forEach((x, k) => asFloat(x, `${p}.${k}`, errs));
    return errs.length === m ? a.length : undefined;
  };
  const nx = list('x');
  const ny = list('y');
  if (nx !== undefined && ny !== undefined && nx !== ny)
    errs.push({ path: join(path, 'y'), message: 'Value error, x & y should be same length', type: 'value_error' });
  return errs.length === n0;
}

/** FloatFunctionTable = Union[float, int, Function, InterpolatedTable] (smart union) */
function asFft(v: Json, path: string, errs: Errs): void {
  if (typeof v === 'number' || typeof v === 'boolean') return;
  if (typeof v === 'string') {
    // a numeric string is a float; any other string must be a valid Function
    if (asFloat(v, path, []) !== undefined) return;
    const bad = bpxFunctionSyntaxError(v);
    if (bad)
      errs.push({
        path,
        message: `Value error, Invalid Function: ${bad.message}, found end of text`,
        type: 'value_error',
      });
    return;
  }
  if (isObj(v)) {
    asTable(v, path, errs);
    return;
  }
  errs.push({
    path,
    message: 'Input should be a valid number, a valid string or a valid dictionary or instance of InterpolatedTable',
    type: 'union_type',
  });
}

// ───────────────────────────── models ─────────────────────────────

type FieldType = 'float' | 'int' | 'str' | 'fft' | 'floatOrMaterialDict' | 'floatList';
interface FieldSpec {
  readonly alias: string;
  readonly type: FieldType;
  readonly required: boolean;
  /** `X | None`: an explicit null is accepted */
  readonly nullable?: boolean;
}

const f = (alias: string, type: FieldType, required = true, nullable = false): FieldSpec => ({
  alias,
  type,
  required,
  nullable,
});

const CELL: FieldSpec[] = [
  f('Electrode area [m2]', 'float'),
  f('External surface area [m2]', 'float', false),
  f('Volume [m3]', 'float', false),
  f('Number of electrode pairs connected in parallel to make a cell', 'int'),
  f('Lower voltage cut-off [V]', 'float'),
  f('Upper voltage cut-off [V]', 'float'),
  f('Nominal cell capacity [A.h]', 'float'),
  f('Reference temperature [K]', 'float', false),
  f('Density [kg.m-3]', 'float', false),
  f('Specific heat capacity [J.K-1.kg-1]', 'float', false),
];
const ELECTROLYTE: FieldSpec[] = [
  f('Cation transference number', 'float'),
  f('Diffusivity [m2.s-1]', 'fft'),
  f('Diffusivity activation energy [J.mol-1]', 'float', false),
  f('Conductivity [S.m-1]', 'fft'),
  f('Conductivity activation energy [J.mol-1]', 'float', false),
];
const CONTACT_BASE: FieldSpec[] = [f('Thickness [m]', 'float')];
const CONTACT: FieldSpec[] = [...CONTACT_BASE, f('Porosity', 'float'), f('Transport efficiency', 'float')];
const PARTICLE: FieldSpec[] = [
  f('Minimum stoichiometry', 'float'),
  f('Maximum stoichiometry', 'float'),
  f('Maximum concentration [mol.m-3]', 'float'),
  f('Particle radius [m]', 'float'),
  f('Surface area per unit volume [m-1]', 'float'),
  f('Diffusivity [m2.s-1]', 'fft'),
  f('Diffusivity activation energy [J.mol-1]', 'float', false),
  f('OCP [V]', 'fft'),
  f('OCP (delithiation) [V]', 'fft', false),
  f('OCP (lithiation) [V]', 'fft', false),
  f('OCP hysteresis decay constant', 'float', false),
  f('Entropic change coefficient [V.K-1]', 'fft', false),
  f('Reaction rate constant [mol.m-2.s-1]', 'float'),
  f('Reaction rate constant activation energy [J.mol-1]', 'float', false),
];
const ELECTRODE: FieldSpec[] = [...CONTACT, f('Conductivity [S.m-1]', 'float')];
const ELECTRODE_SINGLE = [...ELECTRODE, ...PARTICLE];
const ELECTRODE_SINGLE_SPM = [...CONTACT_BASE, ...PARTICLE];
const INITIAL_CONDITIONS: FieldSpec[] = [
  f('Initial state-of-charge', 'float', false, true),
  f('Initial temperature [K]', 'float', false, true),
  f('Initial electrolyte concentration [mol.m-3]', 'float', false, true),
  f('Initial hysteresis state: Positive electrode', 'floatOrMaterialDict', false, true),
  f('Initial hysteresis state: Negative electrode', 'floatOrMaterialDict', false, true),
];
const THERMAL_STATE: FieldSpec[] = [
  f('Ambient temperature [K]', 'float', false, true),
  f('Heat transfer coefficient [W.m-2.K-1]', 'float', false, true),
];
const DEGRADATION: FieldSpec[] = [
  f('LLI', 'float'),
  f('LAM: Positive electrode', 'floatOrMaterialDict'),
  f('LAM: Negative electrode', 'floatOrMaterialDict'),
];
const EXPERIMENT: FieldSpec[] = [
  f('Time [s]', 'floatList'),
  f('Current [A]', 'floatList'),
  f('Voltage [V]', 'floatList'),
  f('Temperature [K]', 'floatList', false),
];
const HEADER: FieldSpec[] = [
  f('BPX', 'str'),
  f('Title', 'str', false),
  f('Description', 'str', false),
  f('References', 'str', false),
  f('Model', 'str'),
];

function fieldValue(spec: FieldSpec, v: Json, path: string, errs: Errs): void {
  if (v === null && spec.nullable) return;
  switch (spec.type) {
    case 'float':
      asFloat(v, path, errs);
      return;
    case 'int':
      asInt(v, path, errs);
      return;
    case 'str':
      asStr(v, path, errs);
      return;
    case 'fft':
      asFft(v, path, errs);
      return;
    case 'floatOrMaterialDict':
      if (isObj(v)) {
        for (const [k, x] of Object.entries(v)) asFloat(x, join(path, k), errs);
        return;
      }
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') {
        const e: Errs = [];
        asFloat(v, path, e);
        if (e.length === 0) return;
      }
      errs.push({
        path,
        message: 'Input should be a valid number or a valid dictionary',
        type: 'union_type',
      });
      return;
    case 'floatList':
      if (!Array.isArray(v)) {
        errs.push({ path, message: 'Input should be a valid list', type: 'list_type' });
        return;
      }
      v.forEach((x, k) => asFloat(x, `${path}.${k}`, errs));
      return;
  }
}

/** an ExtraBaseModel (extra="forbid"): fields, required, unknown keys */
function model(v: Json, fields: readonly FieldSpec[], path: string, errs: Errs, cls: string): v is Obj {
  if (!isObj(v)) {
    errs.push({ path, message: `Input should be a valid dictionary or instance of ${cls}`, type: 'model_type' });
    return false;
  }
  for (const spec of fields) {
    const x = v[spec.alias];
    const p = join(path, spec.alias);
    if (x === undefined) {
      if (spec.required) errs.push({ path: p, message: 'Field required', type: 'missing' });
      continue;
    }
    fieldValue(spec, x, p, errs);
  }
  const known = new Set(fields.map((s) => s.alias));
  for (const k of Object.keys(v))
    if (!known.has(k))
      errs.push({ path: join(path, k), message: 'Extra inputs are not permitted', type: 'extra_forbidden' });
  return true;
}

/** a field validator that raises the inner model's ValidationError: the reference prints it inside a value error */
function wrapped(inner: Errs, errs: Errs): void {
  errs.push(...inner);
}

/** dict[str, Particle] */
function particles(v: Json, path: string, errs: Errs): void {
  if (!isObj(v)) {
    errs.push({ path, message: 'Input should be a valid dictionary', type: 'dict_type' });
    return;
  }
  for (const [name, p] of Object.entries(v)) model(p, PARTICLE, join(path, name), errs, 'Particle');
}

type ElectrodeKind = 'single' | 'blended' | 'singleSpm' | 'blendedSpm';

/** the truthiness of data.get(key) in Python */
function truthy(v: Json): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObj(v)) return Object.keys(v).length > 0;
  return true;
}

function electrode(v: Json, kind: ElectrodeKind, path: string, errs: Errs): void {
  const inner: Errs = [];
  if (kind === 'single') model(v, ELECTRODE_SINGLE, path, inner, 'ElectrodeSingle');
  else if (kind === 'singleSpm') model(v, ELECTRODE_SINGLE_SPM, path, inner, 'ElectrodeSingleSPM');
  else {
    // the electrode's own fields, then Particle: a dict of Particle models
    const base = kind === 'blended' ? ELECTRODE : CONTACT_BASE;
    const cls = kind === 'blended' ? 'ElectrodeBlended' : 'ElectrodeBlendedSPM';
    if (!isObj(v))
      inner.push({ path, message: `Input should be a valid dictionary or instance of ${cls}`, type: 'model_type' });
    else {
      const { Particle: part, ...rest } = v;
      model(rest, base, path, inner, cls);
      if (part === undefined) inner.push({ path: join(path, 'Particle'), message: 'Field required', type: 'missing' });
      else particles(part, join(path, 'Particle'), inner);
    }
  }
  wrapped(inner, errs);
}

/** data.get(...) on a non-dict raises AttributeError in the reference's field validators */
function chooseElectrode(v: Json, spmSet: boolean | 'partial', path: string): ElectrodeKind {
  if (!isObj(v))
    throw new Abort({
      path,
      message: `AttributeError: '${pyTypeName(v)}' object has no attribute 'get'`,
      type: 'AttributeError',
    });
  const particle = truthy(v['Particle']);
  if (spmSet === 'partial') {
    const cond = truthy(v['Conductivity [S.m-1]']);
    if (particle && cond) return 'blended';
    if (particle) return 'blendedSpm';
    if (cond) return 'single';
    return 'singleSpm';
  }
  if (spmSet) return particle ? 'blendedSpm' : 'singleSpm';
  return particle ? 'blended' : 'single';
}

function cellModel(v: Json, path: string, errs: Errs): void {
  if (isObj(v)) {
    // model validators (mode="before") of Cell: fields that v1.x moved or dropped
    // (pydantic runs mode="before" model validators in the reverse order of their definition)
    if ('Initial temperature [K]' in v || 'Ambient temperature [K]' in v) {
      errs.push({
        path,
        message:
          "Value error, The 'Initial temperature [K]' and 'Ambient temperature [K]' fields have been " +
          "moved. Please provide these parameters in 'State.InitialConditions' and " +
          "'State.ThermalState' sections respectively.",
        type: 'value_error',
      });
      return;
    }
    if ('Thermal conductivity [W.m-1.K-1]' in v) {
      errs.push({
        path,
        message:
          "Value error, The 'Thermal conductivity [W.m-1.K-1]' field is not part of the BPX schema. " +
          "Please provide this parameter in the 'User-defined' section instead.",
        type: 'value_error',
      });
      return;
    }
  }
  model(v, CELL, path, errs, 'Cell');
}

function electrolyteModel(v: Json, path: string, errs: Errs): void {
  if (isObj(v) && 'Initial concentration [mol.m-3]' in v) {
    errs.push({
      path,
      message:
        "Value error, 'Initial concentration [mol.m-3]' has been renamed and moved. Please provide " +
        "this parameter as 'Initial electrolyte concentration [mol.m-3]' in the " +
        "'State.InitialConditions' section instead.",
      type: 'value_error',
    });
    return;
  }
  model(v, ELECTROLYTE, path, errs, 'Electrolyte');
}

/** the User-defined section: description (str), numbers, functions, tables, nested groups of those */
function userDefined(v: Json, path: string, errs: Errs): void {
  if (!isObj(v)) {
    errs.push({ path, message: 'Input should be a valid dictionary or instance of UserDefined', type: 'model_type' });
    return;
  }
  // (errors raised in UserDefined's model validator: the reference reports them at the section itself)
  const walk = (o: Obj, p: string): void => {
    for (const [k, x] of Object.entries(o)) {
      const kp = join(p, k);
      if (k === 'description') continue;
      if (typeof x === 'string') {
        const bad = bpxFunctionSyntaxError(x);
        if (bad) {
          errs.push({
            path,
            message: `Value error, Invalid Function: ${bad.message} (at '${kp}')`,
            type: 'value_error',
          });
          throw new Stop();
        }
      } else if (isObj(x)) {
        const e: Errs = [];
        if (asTable(x, kp, e)) continue;
        if (Object.values(x).every((y) => Array.isArray(y))) {
          // a malformed table: InterpolatedTable's ValidationError
          errs.push({
            path,
            message:
              `Value error, validation error for InterpolatedTable at '${kp}': ` +
              `${e.map((q) => `${q.path.slice(kp.length + 1)} ${q.message}`).join('; ')}`,
            type: 'value_error',
          });
          throw new Stop();
        }
        walk(x, kp);
      } else if (typeof x === 'number') {
        continue;
      } else {
        throw new Abort({
          path: kp,
          message: `TypeError: ${k} must be of type 'FloatFunctionTable'`,
          type: 'TypeError',
        });
      }
    }
  };
  class Stop extends Error {}
  try {
    walk(v, path);
  } catch (e) {
    if (e instanceof Stop) return;
    throw e;
  }
  const d = v['description'];
  if (d !== undefined && d !== null && typeof d !== 'string')
    errs.push({ path: join(path, 'description'), message: 'Input should be a valid string', type: 'string_type' });
}

const FULL_KEYS = ['Cell', 'Electrolyte', 'Negative electrode', 'Positive electrode', 'Separator', 'User-defined'];
const SPM_KEYS = ['Cell', 'Negative electrode', 'Positive electrode', 'User-defined'];

interface ParamResult {
  errs: Errs;
  warnings: string[];
}

function parameterisation(v: Json, kind: 'full' | 'spm' | 'partial', path: string, vTol: number): ParamResult {
  const errs: Errs = [];
  const warnings: string[] = [];
  const cls = kind === 'full' ? 'Parameterisation' : kind === 'spm' ? 'ParameterisationSPM' : 'ParameterisationPartial';
  if (!isObj(v)) {
    errs.push({ path, message: `Input should be a valid dictionary or instance of ${cls}`, type: 'model_type' });
    return { errs, warnings };
  }
  const keys = kind === 'spm' ? SPM_KEYS : FULL_KEYS;
  const required = kind === 'partial' ? [] : kind === 'spm' ? SPM_KEYS.slice(0, 3) : FULL_KEYS.slice(0, 5);
  for (const k of required)
    if (v[k] === undefined) errs.push({ path: join(path, k), message: 'Field required', type: 'missing' });
  const kinds: Partial<Record<'Negative electrode' | 'Positive electrode', ElectrodeKind>> = {};
  for (const k of keys) {
    const x = v[k];
    if (x === undefined) continue;
    const p = join(path, k);
    switch (k) {
      case 'Cell':
        cellModel(x, p, errs);
        break;
      case 'Electrolyte':
        electrolyteModel(x, p, errs);
        break;
      case 'Separator':
        model(x, CONTACT, p, errs, 'Contact');
        break;
      case 'User-defined':
        userDefined(x, p, errs);
        break;
      default: {
        const ek = chooseElectrode(x, kind === 'partial' ? 'partial' : kind === 'spm', p);
        kinds[k as 'Negative electrode'] = ek;
        electrode(x, ek, p, errs);
      }
    }
  }
  for (const k of Object.keys(v))
    if (!keys.includes(k))
      errs.push({ path: join(path, k), message: 'Extra inputs are not permitted', type: 'extra_forbidden' });
  if (errs.length) return { errs, warnings };
  // model validators (mode="after")
  if (kind === 'partial') {
    const neg = kinds['Negative electrode'];
    const pos = kinds['Positive electrode'];
    const isSpm = (e: ElectrodeKind | undefined): boolean => e === 'singleSpm' || e === 'blendedSpm';
    const clsName: Record<ElectrodeKind, string> = {
      single: 'ElectrodeSingle',
      blended: 'ElectrodeBlended',
      singleSpm: 'ElectrodeSingleSPM',
      blendedSpm: 'ElectrodeBlendedSPM',
    };
    if (neg && pos && isSpm(neg) !== isSpm(pos)) {
      errs.push({
        path,
        message:
          `Value error, Negative and positive electrodes must be of consistent model types. Currently ` +
          `types are: Positive electrode: <class 'bpx.schema.${clsName[pos]}'>, Negative electrode: <class 'bpx.schema.${clsName[neg]}'>`,
        type: 'value_error',
      });
      return { errs, warnings };
    }
    if ((isSpm(neg) || isSpm(pos)) && ('Electrolyte' in v || 'Separator' in v)) {
      errs.push({
        path,
        message:
          "Value error, SPM electrodes cannot be used with full model parameters ['electrolyte', " +
          "'separator']. Please ensure that either full model electrodes are used, or that only valid " +
          'SPM parameters are provided.',
        type: 'value_error',
      });
      return { errs, warnings };
    }
  }
  warnings.push(...stoLimits(v, kinds, path, vTol));
  return { errs, warnings };
}

// ───────────────────────────── check_sto_limits ─────────────────────────────

/** Python float repr of a number (shortest round-trip, as str() of a float) */
function pyFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
  const s = String(x);
  return s.replace(/e\+?(-?)(\d)$/, 'e$10$2').replace('e+', 'e+');
}

/**
 * Evaluates a BPX Function as the reference's check does: Python with `from math import exp, tanh,
 * cosh` (other names raise NameError; math.exp overflows raise OverflowError).
 */
function pythonFunction(src: string, where: string): (x: number) => number {
  type Tok = { k: 'n' | 'x' | 'f' | 'o'; v: string };
  const toks: Tok[] = [];
  const re =
    /\s*(?:(\d+(?:[eE][+-]?\d+)|(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+)|(x)(?![A-Za-z0-9])|([A-Za-z][A-Za-z0-9]*)|(\*\*|[-+*/(),]))/y;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < src.length && (m = ((re.lastIndex = pos), re.exec(src)))) {
    pos = re.lastIndex;
    if (m[1]) toks.push({ k: 'n', v: m[1] });
    else if (m[2]) toks.push({ k: 'x', v: 'x' });
    else if (m[3]) toks.push({ k: 'f', v: m[3] });
    else if (m[4]) toks.push({ k: 'o', v: m[4] });
    if (/^\s*$/.test(src.slice(pos))) break;
  }
  const FN: Record<string, (a: number) => number> = {
    exp: (a) => {
      const r = Math.exp(a);
      if (!Number.isFinite(r))
        throw new Abort({ path: where, message: 'OverflowError: math range error', type: 'OverflowError' });
      return r;
    },
    tanh: Math.tanh,
    cosh: (a) => {
      const r = Math.cosh(a);
      if (!Number.isFinite(r))
        throw new Abort({ path: where, message: 'OverflowError: math range error', type: 'OverflowError' });
      return r;
    },
  };
  return (x: number): number => {
    let i = 0;
    const peek = (): Tok | undefined => toks[i];
    const pow = (a: number, b: number): number => {
      if (a === 0 && b < 0)
        throw new Abort({
          path: where,
          message: 'ZeroDivisionError: 0.0 cannot be raised to a negative power',
          type: 'ZeroDivisionError',
        });
      const r = Math.pow(a, b);
      if (Number.isNaN(r) && a < 0)
        throw new Abort({
          path: where,
          message: 'TypeError: a negative number raised to a fractional power is complex in Python',
          type: 'TypeError',
        });
      return r;
    };
    const unary = (): number => {
      const t = peek();
      if (t && t.k === 'o' && (t.v === '-' || t.v === '+')) {
        i++;
        const v = unary();
        return t.v === '-' ? -v : v;
      }
      return power();
    };
    const power = (): number => {
      const a = primary();
      const t = peek();
      if (t && t.k === 'o' && t.v === '**') {
        i++;
        return pow(a, unary());
      }
      return a;
    };
    const primary = (): number => {
      const t = toks[i++]!;
      if (t.k === 'n') return Number(t.v);
      if (t.k === 'x') return x;
      if (t.k === 'f') {
        const fn = FN[t.v];
        if (!fn)
          throw new Abort({ path: where, message: `NameError: name '${t.v}' is not defined`, type: 'NameError' });
        i++; // (
        const args = [expr()];
        while (peek()?.v === ',') {
          i++;
          args.push(expr());
        }
        i++; // )
        if (args.length !== 1)
          throw new Abort({
            path: where,
            message: `TypeError: ${t.v}() takes exactly one argument (${args.length} given)`,
            type: 'TypeError',
          });
        return fn(args[0]!);
      }
      // '('
      const v = expr();
      i++;
      return v;
    };
    const term = (): number => {
      let a = unary();
      for (let t = peek(); t && t.k === 'o' && (t.v === '*' || t.v === '/'); t = peek()) {
        i++;
        const b = unary();
        if (t.v === '/' && b === 0)
          throw new Abort({
            path: where,
            message: 'ZeroDivisionError: float division by zero',
            type: 'ZeroDivisionError',
          });
        a = t.v === '*' ? a * b : a / b;
      }
      return a;
    };
    function expr(): number {
      let a = term();
      for (let t = peek(); t && t.k === 'o' && (t.v === '+' || t.v === '-'); t = peek()) {
        i++;
        const b = term();
        a = t.v === '+' ? a + b : a - b;
      }
      return a;
    }
    return expr();
  };
}

function stoLimits(v: Obj, kinds: Partial<Record<string, ElectrodeKind>>, path: string, vTol: number): string[] {
  const neg = v['Negative electrode'];
  const pos = v['Positive electrode'];
  const cell = v['Cell'];
  if (!isObj(neg) || !isObj(pos) || !isObj(cell)) return [];
  const blended = (k: ElectrodeKind | undefined): boolean => k === 'blended' || k === 'blendedSpm';
  if (blended(kinds['Negative electrode']) || blended(kinds['Positive electrode'])) return [];
  const un = neg['OCP [V]'];
  const up = pos['OCP [V]'];
  // only when both OCPs are Functions (a numeric string is a float, a table has no to_python_function)
  // (a numeric string is a Function too: the union tries the str-based Function before a lax float)
  const isFunction = (s: Json): s is string => typeof s === 'string';
  if (!isFunction(un) || !isFunction(up)) return [];
  const num = (o: Obj, k: string): number => Number(o[k]);
  const ocpN = pythonFunction(un, join(join(path, 'Negative electrode'), 'OCP [V]'));
  const ocpP = pythonFunction(up, join(join(path, 'Positive electrode'), 'OCP [V]'));
  const vMin = num(cell, 'Lower voltage cut-off [V]');
  const vMax = num(cell, 'Upper voltage cut-off [V]');
  const out: string[] = [];
  const vMaxSto = ocpP(num(pos, 'Minimum stoichiometry')) - ocpN(num(neg, 'Maximum stoichiometry'));
  if (vMaxSto - vMax > vTol)
    out.push(
      `The maximum voltage computed from the STO limits (${pyFloat(vMaxSto)} V) is higher than ` +
        `the upper voltage cut-off (${cell['Upper voltage cut-off [V]']} V) with the absolute tolerance ` +
        `v_tol = ${vTol} V`,
    );
  const vMinSto = ocpP(num(pos, 'Maximum stoichiometry')) - ocpN(num(neg, 'Minimum stoichiometry'));
  if (vMinSto - vMin < -vTol)
    out.push(
      `The minimum voltage computed from the STO limits (${pyFloat(vMinSto)} V) is less than ` +
        `the lower voltage cut-off (${cell['Lower voltage cut-off [V]']} V) with the absolute tolerance ` +
        `v_tol = ${vTol} V`,
    );
  return out;
}

// ───────────────────────────── legacy conversion (bpx/_migrations.py) ─────────────────────────────

/** the major version of Header.BPX, or an Abort as bpx's is_legacy_bpx raises */
function majorVersion(doc: Json): number {
  const h = isObj(doc) ? doc['Header'] : undefined;
  const version = isObj(h) ? h['BPX'] : undefined;
  if (!isObj(doc) || !isObj(h) || !('BPX' in h))
    throw new Abort({
      path: 'Header.BPX',
      message: "ValueError: Invalid BPX object: missing 'Header' -> 'BPX' version field.",
      type: 'ValueError',
    });
  if (typeof version === 'string') {
    const m = /^\s*(\d+)/.exec(version);
    if (m) return Number(m[1]);
  } else if (typeof version === 'number') return Math.trunc(version);
  throw new Abort({
    path: 'Header.BPX',
    message: `ValueError: Invalid BPX version field: ${describe(version)}.`,
    type: 'ValueError',
  });
}

/** is this a BPX v0.x document (converted to v1.x before validation)? */
export function isLegacyBpx(doc: Json): boolean {
  try {
    return majorVersion(doc) < 1;
  } catch {
    return false;
  }
}

/** convert_v0_to_v1: a new v1.x object from a v0.x one (the input is not changed) */
export function convertV0toV1(doc: Obj): Obj {
  const params = JSON.parse(JSON.stringify(doc)) as Obj;
  const par = isObj(params['Parameterisation']) ? params['Parameterisation'] : {};
  const cell = isObj(par['Cell']) ? par['Cell'] : {};
  const ely = isObj(par['Electrolyte']) ? par['Electrolyte'] : {};
  const pop = (o: Obj, k: string): Json => {
    const v = o[k];
    delete o[k];
    return v;
  };
  const first = (...vals: Json[]): Json => vals.find((x) => x !== undefined && x !== null);
  const ambient = first(
    pop(cell, 'Ambient temperature [K]'),
    cell['Reference temperature [K]'],
    REFERENCE_TEMPERATURE_K,
  );
  const initial = first(pop(cell, 'Initial temperature [K]'), ambient, REFERENCE_TEMPERATURE_K);
  delete cell['Thermal conductivity [W.m-1.K-1]'];
  const ic: Obj = { 'Initial state-of-charge': 1, 'Initial temperature [K]': initial };
  const ce = pop(ely, 'Initial concentration [mol.m-3]');
  if (ce !== undefined && ce !== null) ic['Initial electrolyte concentration [mol.m-3]'] = ce;
  params['State'] = { 'Initial conditions': ic, 'Thermal environment': { 'Ambient temperature [K]': ambient } };
  const header = isObj(params['Header']) ? params['Header'] : (params['Header'] = {});
  (header as Obj)['BPX'] = BPX_VALIDATOR_VERSION;
  return params;
}

// ───────────────────────────── the whole document ─────────────────────────────

const MATERIAL_FIELDS: [string, string, 'Negative electrode' | 'Positive electrode'][] = [
  ['Initial conditions', 'Initial hysteresis state: Positive electrode', 'Positive electrode'],
  ['Initial conditions', 'Initial hysteresis state: Negative electrode', 'Negative electrode'],
  ['Degradation', 'LAM: Positive electrode', 'Positive electrode'],
  ['Degradation', 'LAM: Negative electrode', 'Negative electrode'],
];

function stateModel(v: Json, path: string, errs: Errs): void {
  if (!isObj(v)) {
    errs.push({ path, message: 'Input should be a valid dictionary or instance of State', type: 'model_type' });
    return;
  }
  const subs: [string, FieldSpec[], boolean][] = [
    ['Initial conditions', INITIAL_CONDITIONS, true],
    ['Thermal environment', THERMAL_STATE, true],
    ['Degradation', DEGRADATION, false],
  ];
  for (const [k, fields, nullable] of subs) {
    const x = v[k];
    if (x === undefined || (x === null && nullable)) continue;
    model(x, fields, join(path, k), errs, k === 'Thermal environment' ? 'ThermalState' : k.replace(' ', ''));
  }
  for (const k of Object.keys(v))
    if (!subs.some(([s]) => s === k))
      errs.push({ path: join(path, k), message: 'Extra inputs are not permitted', type: 'extra_forbidden' });
}

/** the material names of a blended electrode, undefined for a single material */
function materials(e: Json): Set<string> | undefined {
  if (!isObj(e)) return undefined;
  const p = e['Particle'];
  return isObj(p) && Object.keys(p).length > 0 ? new Set(Object.keys(p)) : undefined;
}

function materialChecks(doc: Obj): BpxIssue | undefined {
  const state = doc['State'];
  const par = doc['Parameterisation'];
  if (!isObj(state) || !isObj(par)) return undefined;
  for (const [section, field, electrodeKey] of MATERIAL_FIELDS) {
    const s = state[section];
    if (!isObj(s)) continue;
    const value = s[field];
    if (value === undefined || value === null) continue;
    const expected = materials(par[electrodeKey]);
    const fp = `State.${section}.${field}`;
    const sorted = (xs: Iterable<string>): string =>
      `[${[...xs]
        .sort()
        .map((x) => `'${x}'`)
        .join(', ')}]`;
    if (expected === undefined) {
      if (isObj(value))
        return {
          path: fp,
          message: `Value error, '${fp}' must be a float. Electrode is a single material.`,
          type: 'value_error',
        };
      continue;
    }
    if (!isObj(value))
      return {
        path: fp,
        message: `Value error, '${fp}' must be a dict with keys ${sorted(expected)}. Electrode is blended.`,
        type: 'value_error',
      };
    const keys = new Set(Object.keys(value));
    const missing = [...expected].filter((k) => !keys.has(k));
    const extra = [...keys].filter((k) => !expected.has(k));
    if (missing.length || extra.length) {
      const parts: string[] = [];
      if (missing.length) parts.push(`missing keys: ${sorted(missing)}`);
      if (extra.length) parts.push(`unexpected keys: ${sorted(extra)}`);
      return {
        path: fp,
        message: `Value error, '${fp}' keys must exactly match ${sorted(expected)}; ${parts.join(', ')}`,
        type: 'value_error',
      };
    }
  }
  return undefined;
}

export interface BpxValidateOptions {
  /** absolute tolerance of the voltage-limit check, V (the reference's v_tol, default 1 mV) */
  readonly vTol?: number;
  /** convert v0.x documents first (the reference's convert_legacy, default true) */
  readonly convertLegacy?: boolean;
}

/** The reference validator's verdict on a JSON document (bpx.parse_bpx_obj). */
export function validateBpx(input: Json, opts: BpxValidateOptions = {}): BpxVerdict {
  const vTol = opts.vTol ?? 1e-3;
  const warnings: string[] = [];
  let legacy = false;
  let doc: Json = input;
  try {
    if (opts.convertLegacy !== false && majorVersion(input) < 1) {
      legacy = true;
      warnings.push(LEGACY_WARNING);
      doc = convertV0toV1(input as Obj);
    }
    const errs = validateV1(doc, vTol, warnings);
    return {
      valid: errs.length === 0,
      errors: errs,
      warnings,
      legacy,
      ...(isObj(doc) ? { document: doc } : {}),
    };
  } catch (e) {
    if (!(e instanceof Abort)) throw e;
    return { valid: false, errors: [e.issue], warnings, legacy, ...(isObj(doc) ? { document: doc } : {}) };
  }
}

function validateV1(doc: Json, vTol: number, warnings: string[]): Errs {
  if (!isObj(doc))
    return [{ path: '', message: 'Input should be a valid dictionary or instance of BPX', type: 'model_type' }];
  // the model validator (mode="before") _dispatch_param_subclasses: the Header, then the Parameterisation
  const headerErrs: Errs = [];
  const header = doc['Header'];
  if (model(header, HEADER, 'Header', headerErrs, 'Header')) {
    const h = header as Obj;
    // the BPX version: a float is turned into "%.1f" (DeprecationWarning); then the pattern
    const ver = h['BPX'];
    // (JSON cannot tell 1 from 1.0: a number is taken as the float PyBaMM's own test files write)
    if (typeof ver === 'number') {
      warnings.push(
        "The 'bpx' field now expects the BPX semantic version as a string (e.g. '0.5.0'), not a " +
          'float. This format is temporarily supported but will be removed in a future version. ' +
          'Please update your file accordingly.',
      );
      const k = headerErrs.findIndex((e) => e.path === 'Header.BPX');
      const s = ver.toFixed(1);
      if (k >= 0) headerErrs.splice(k, 1);
      if (!/^\d+\.\d+(?:\.\d+)?$/.test(s))
        headerErrs.push({
          path: 'Header.BPX',
          message: "String should match pattern '^\\d+\\.\\d+(?:\\.\\d+)?$'",
          type: 'string_pattern_mismatch',
        });
    } else if (typeof ver === 'string' && !/^\d+\.\d+(?:\.\d+)?$/.test(ver))
      headerErrs.push({
        path: 'Header.BPX',
        message: "String should match pattern '^\\d+\\.\\d+(?:\\.\\d+)?$'",
        type: 'string_pattern_mismatch',
      });
    const m = h['Model'];
    if (typeof m === 'string' && !['SPM', 'SPMe', 'DFN', 'Partial'].includes(m))
      headerErrs.push({
        path: 'Header.Model',
        message: "Input should be 'SPM', 'SPMe', 'DFN' or 'Partial'",
        type: 'literal_error',
      });
    else if (m !== undefined && typeof m !== 'string') {
      const k = headerErrs.findIndex((e) => e.path === 'Header.Model');
      if (k >= 0) headerErrs.splice(k, 1);
      headerErrs.push({
        path: 'Header.Model',
        message: "Input should be 'SPM', 'SPMe', 'DFN' or 'Partial'",
        type: 'literal_error',
      });
    }
  }
  if (headerErrs.length) return headerErrs;
  const modelType = (header as Obj)['Model'] as string;
  if (!('Parameterisation' in doc))
    throw new Abort({ path: 'Parameterisation', message: "KeyError: 'Parameterisation'", type: 'KeyError' });
  const par = doc['Parameterisation'];
  let pr: ParamResult;
  if (modelType === 'Partial') pr = parameterisation(par, 'partial', 'Parameterisation', vTol);
  else {
    const expected = modelType === 'SPM' ? 'spm' : 'full';
    pr = parameterisation(par, expected, 'Parameterisation', vTol);
    if (pr.errs.length) {
      // (an exception other than a ValidationError in the fallback propagates, as in the reference)
      const fallbackOk =
        parameterisation(par, expected === 'spm' ? 'full' : 'spm', 'Parameterisation', vTol).errs.length === 0;
      if (fallbackOk)
        return [
          {
            path: '',
            message:
              modelType === 'SPM'
                ? `Value error, Valid parameter set does not correspond with the model type ${modelType}`
                : `Value error, Valid SPM parameter set does not correspond with the model type ${modelType}`,
            type: 'value_error',
          },
        ];
      return pr.errs;
    }
  }
  if (pr.errs.length) return pr.errs;
  warnings.push(...pr.warnings);
  // the other fields of BPX
  const errs: Errs = [];
  const state = doc['State'];
  if (state !== undefined) stateModel(state, 'State', errs);
  const val = doc['Validation'];
  if (val !== undefined) {
    if (!isObj(val))
      errs.push({ path: 'Validation', message: 'Input should be a valid dictionary', type: 'dict_type' });
    else for (const [name, e] of Object.entries(val)) model(e, EXPERIMENT, `Validation.${name}`, errs, 'Experiment');
  }
  for (const k of Object.keys(doc))
    if (!['Header', 'Parameterisation', 'State', 'Validation'].includes(k))
      errs.push({ path: k, message: 'Extra inputs are not permitted', type: 'extra_forbidden' });
  if (errs.length) return errs;
  // model validator (mode="after"): per-material State values against blended electrodes
  const mat = materialChecks(doc);
  return mat ? [mat] : [];
}

/** Python's name of a JSON value's type (as pydantic's messages print it) */
function pyTypeName(v: unknown): string {
  if (v === null) return 'NoneType';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return typeof v;
}
