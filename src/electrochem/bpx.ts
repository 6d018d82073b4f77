/**
 * Battery Parameter eXchange (BPX) import — the open JSON standard of the Faraday Institution
 * (https://bpxstandard.com, schema: github.com/FaradayInstitution/BPX, bpx/schema.py).
 *
 * Reads BPX 0.x files (Header, Parameterisation{Cell, Electrolyte, Negative electrode, Positive
 * electrode, Separator}, optional State, optional Validation) and the 1.0 placement of the initial
 * and thermal state (State.Initial conditions / State.Thermal state). Values may be numbers, expression
 * strings (variables x / sto for stoichiometry, x / c_e for electrolyte concentration in mol/m³, T in K;
 * parsed by ./expr.ts, never eval) or tables {"x": [...], "y": [...]} (linear interpolation, linear
 * extrapolation outside the table). Every error names the BPX field path.
 *
 * Conventions taken from the BPX standard (and its PyBaMM reader, pybamm/parameters/bpx.py):
 *  - exchange current density i0 = F·k·sqrt(c_e/c_e0 · θ(1−θ)) with k the "Reaction rate constant
 *    [mol.m-2.s-1]", c_e0 the initial electrolyte concentration, θ the surface stoichiometry; symmetric
 *    Butler–Volmer (α = 0.5);
 *  - active-material volume fraction ε_s = a·R/3 (a: surface area per unit volume, R: particle radius);
 *  - effective electrolyte transport = bulk property × "Transport efficiency" (inverse MacMullin number);
 *  - electrode "Conductivity" is already the effective conductivity of the porous matrix;
 *  - functions are given at the reference temperature; Arrhenius factor exp(Ea/R·(1/T_ref − 1/T));
 *  - OCP(θ, T) = OCP_ref(θ) + (T − T_ref)·dU/dT(θ).
 */
import { compileExpression, ExpressionError } from './expr.ts';
import { ProblemError } from '../problems.ts';
import { findInterval } from '../numerics/interp.ts';

/** A scalar property as a function of its primary variable (θ or c_e in mol/m³) and T (K). */
export type PropertyFn = (x: number, T: number) => number;

export interface BpxElectrode {
  readonly thickness_m: number;
  readonly particleRadius_m: number;
  readonly porosity: number;
  readonly transportEfficiency: number;
  /** surface area per unit electrode volume (1/m) */
  readonly surfaceArea_per_m: number;
  /** active-material volume fraction a·R/3 */
  readonly activeFraction: number;
  /** effective electronic conductivity (S/m) */
  readonly conductivity_S_m: number;
  /** normalised reaction rate constant k (mol/m²/s) at T_ref */
  readonly rateConstant_mol_m2_s: number;
  readonly rateActivation_J_mol: number;
  /** particle diffusivity D_s(θ, T_ref) (m²/s) */
  readonly diffusivity: PropertyFn;
  readonly diffusivityActivation_J_mol: number;
  /** OCP at the reference temperature U(θ) (V) */
  readonly ocp: PropertyFn;
  /** entropic coefficient dU/dT(θ) (V/K) */
  readonly entropic: PropertyFn;
  readonly stoMin: number;
  readonly stoMax: number;
  readonly maxConcentration_mol_m3: number;
}

export interface BpxElectrolyte {
  readonly initialConcentration_mol_m3: number;
  readonly transferenceNumber: number;
  readonly diffusivity: PropertyFn; // (c_e, T_ref) → m²/s
  readonly conductivity: PropertyFn; // (c_e, T_ref) → S/m
  readonly diffusivityActivation_J_mol: number;
  readonly conductivityActivation_J_mol: number;
  /** thermodynamic factor 1 + dln f±/dln c_e (BPX 0.x has none: 1) */
  readonly thermodynamicFactor: PropertyFn;
}

export interface BpxSeparator {
  readonly thickness_m: number;
  readonly porosity: number;
  readonly transportEfficiency: number;
}

export interface BpxCell {
  /** area of one electrode pair (m²) */
  readonly electrodeArea_m2: number;
  readonly electrodePairs: number;
  readonly lowerCutoff_V: number;
  readonly upperCutoff_V: number;
  readonly nominalCapacity_Ah: number;
  readonly referenceTemperature_K: number;
  readonly ambientTemperature_K: number;
  readonly initialTemperature_K: number;
  readonly specificHeat_J_kgK?: number;
  readonly density_kg_m3?: number;
  readonly thermalConductivity_W_mK?: number;
  readonly externalSurfaceArea_m2?: number;
  readonly volume_m3?: number;
  readonly heatTransferCoefficient_W_m2K?: number;
}

export interface LiquidCellParams {
  readonly title: string;
  readonly bpxVersion: string;
  readonly cell: BpxCell;
  readonly electrolyte: BpxElectrolyte;
  readonly negative: BpxElectrode;
  readonly positive: BpxElectrode;
  readonly separator: BpxSeparator;
  /** State.Initial state-of-charge if the file gives one */
  readonly initialSoc?: number;
  /** the file's Validation section: measured experiments (SI) */
  readonly validation?: Readonly<Record<string, BpxExperiment>>;
}

export interface BpxExperiment {
  readonly t_s: Float64Array;
  readonly I_A: Float64Array;
  readonly V: Float64Array;
  readonly T_K?: Float64Array;
}

/** functions that do not depend on their arguments (BPX numbers): models skip their derivatives */
const CONSTANT_FNS = new WeakSet<PropertyFn>();
export function isConstantFn(f: PropertyFn): boolean {
  return CONSTANT_FNS.has(f);
}
function constantFn(v: number): PropertyFn {
  const f: PropertyFn = () => v;
  CONSTANT_FNS.add(f);
  return f;
}

/** a bad BPX document: the one error value, with the BPX path of the field */
export class BpxError extends ProblemError {
  constructor(path: string, problem: string, got: string, allowed: string) {
    super({ path, problem, got, allowed });
    this.name = 'BpxError';
  }
}

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: Json): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

function section(
  obj: Record<string, Json>,
  key: string,
  path: string,
  optional = false,
): Record<string, Json> | undefined {
  const v = obj[key];
  if (v === undefined) {
    if (optional) return undefined;
    throw new BpxError(`${path}.${key}`, 'missing', 'nothing', 'a value (required BPX section)');
  }
  if (!isObj(v)) throw new BpxError(`${path}.${key}`, 'must be an object', describe(v), 'an object');
  return v;
}

interface NumSpec {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
}

function num(obj: Record<string, Json>, key: string, path: string, spec?: NumSpec): number;
function num(obj: Record<string, Json>, key: string, path: string, spec: NumSpec, optional: true): number | undefined;
function num(
  obj: Record<string, Json>,
  key: string,
  path: string,
  spec: NumSpec = {},
  optional = false,
): number | undefined {
  const v = obj[key];
  const where = `${path}.${key}`;
  if (v === undefined) {
    if (optional) return undefined;
    throw new BpxError(where, 'missing', 'nothing', 'a value (required BPX field)');
  }
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new BpxError(where, 'must be a finite number', describe(v), 'a finite number');
  const allowed =
    `${spec.min !== undefined ? (spec.exclusiveMin ? '> ' : '≥ ') + spec.min : ''}` +
    `${spec.min !== undefined && spec.max !== undefined ? ' and ' : ''}` +
    `${spec.max !== undefined ? '≤ ' + spec.max : ''}`;
  if (spec.min !== undefined && (spec.exclusiveMin ? v <= spec.min : v < spec.min))
    throw new BpxError(where, 'out of range', String(v), String(allowed));
  if (spec.max !== undefined && v > spec.max) throw new BpxError(where, 'out of range', String(v), String(allowed));
  return v;
}

const POS = { min: 0, exclusiveMin: true } as const;
const NONNEG = { min: 0 } as const;
const FRACTION = { min: 0, max: 1, exclusiveMin: true } as const;

/** Linear interpolation with linear extrapolation outside the table. */
export function tableFunction(xs: Float64Array, ys: Float64Array): (x: number) => number {
  return (x: number): number => {
    const lo = findInterval(xs, x);
    const x0 = xs[lo]!;
    const x1 = xs[lo + 1]!;
    const y0 = ys[lo]!;
    const y1 = ys[lo + 1]!;
    return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  };
}

/**
 * A BPX FloatFunctionTable → PropertyFn. `vars` are the accepted names of the primary variable
 * (e.g. ['x', 'sto'] or ['x', 'c_e']); T is always available.
 */
export function bpxFunction(v: Json, where: string, primary: readonly string[], range?: NumSpec): PropertyFn {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new BpxError(where, 'must be finite', String(v), 'finite');
    if (range?.min !== undefined && (range.exclusiveMin ? v <= range.min : v < range.min))
      throw new BpxError(where, 'out of range', String(v), `${range.exclusiveMin ? '>' : '≥'} ${range.min}`);
    return constantFn(v);
  }
  if (typeof v === 'string') {
    const names = [...primary, 'T'];
    let compiled;
    try {
      compiled = compileExpression(v, names, where);
    } catch (e) {
      if (e instanceof ExpressionError) {
        const p = e.problems[0]!;
        throw new BpxError(p.path, p.problem, p.got, p.allowed);
      }
      throw e;
    }
    const ev = compiled.evaluate;
    const buf = new Float64Array(names.length);
    const np = primary.length;
    if (compiled.used.size === 0) {
      const c = ev(buf);
      if (!Number.isFinite(c))
        throw new BpxError(
          where,
          'the constant expression is not finite',
          String(c),
          'an expression with a finite value',
        );
      return constantFn(c);
    }
    return (x: number, T: number): number => {
      for (let i = 0; i < np; i++) buf[i] = x;
      buf[np] = T;
      return ev(buf);
    };
  }
  if (isObj(v)) {
    const keys = Object.keys(v);
    const extra = keys.filter((k) => k !== 'x' && k !== 'y');
    if (extra.length > 0) throw new BpxError(where, 'unexpected key in table', `'${extra[0]}'`, 'x, y');
    const xs = v['x'];
    const ys = v['y'];
    if (!Array.isArray(xs))
      throw new BpxError(`${where}.x`, 'must be an array of numbers', describe(xs), 'an array of numbers');
    if (!Array.isArray(ys))
      throw new BpxError(`${where}.y`, 'must be an array of numbers', describe(ys), 'an array of numbers');
    if (xs.length !== ys.length)
      throw new BpxError(where, 'x and y must have the same length', `${xs.length} and ${ys.length}`, 'equal lengths');
    if (xs.length < 2) throw new BpxError(`${where}.x`, 'needs at least 2 points', String(xs.length), '≥ 2');
    const fx = new Float64Array(xs.length);
    const fy = new Float64Array(ys.length);
    for (let i = 0; i < xs.length; i++) {
      const a: unknown = xs[i];
      const b: unknown = ys[i];
      if (typeof a !== 'number' || !Number.isFinite(a))
        throw new BpxError(`${where}.x[${i}]`, 'must be a finite number', describe(a), 'a finite number');
      if (typeof b !== 'number' || !Number.isFinite(b))
        throw new BpxError(`${where}.y[${i}]`, 'must be a finite number', describe(b), 'a finite number');
      if (i > 0 && a <= fx[i - 1]!)
        throw new BpxError(
          `${where}.x[${i}]`,
          'must be strictly increasing',
          `${a} after ${fx[i - 1]}`,
          'strictly increasing',
        );
      fx[i] = a;
      fy[i] = b;
    }
    const f = tableFunction(fx, fy);
    return (x: number) => f(x);
  }
  throw new BpxError(
    where,
    'must be a number, an expression string or a table {"x": [...], "y": [...]}',
    describe(v),
    'a number, an expression string or a table {"x": [...], "y": [...]}',
  );
}

const ELECTRODE_KEYS = new Set([
  'Particle radius [m]',
  'Thickness [m]',
  'Diffusivity [m2.s-1]',
  'OCP [V]',
  'Entropic change coefficient [V.K-1]',
  'Conductivity [S.m-1]',
  'Surface area per unit volume [m-1]',
  'Porosity',
  'Transport efficiency',
  'Reaction rate constant [mol.m-2.s-1]',
  'Minimum stoichiometry',
  'Maximum stoichiometry',
  'Maximum concentration [mol.m-3]',
  'Diffusivity activation energy [J.mol-1]',
  'Reaction rate constant activation energy [J.mol-1]',
]);

function checkKeys(
  obj: Record<string, Json>,
  allowed: ReadonlySet<string>,
  path: string,
  hints: Record<string, string> = {},
): void {
  for (const k of Object.keys(obj)) {
    if (allowed.has(k)) continue;
    const hint = hints[k];
    throw new BpxError(
      `${path}.${k}`,
      hint ?? 'unsupported or unknown BPX field',
      JSON.stringify(k),
      hint ? 'a single-particle electrode' : [...allowed].join(', '),
    );
  }
}

function readElectrode(o: Record<string, Json>, path: string): BpxElectrode {
  checkKeys(o, ELECTRODE_KEYS, path, {
    Particle: 'blended electrodes (several particle types) are not supported by rollcell yet',
    'OCP (delithiation) [V]': 'OCP hysteresis branches are not supported by rollcell yet',
    'OCP (lithiation) [V]': 'OCP hysteresis branches are not supported by rollcell yet',
  });
  const R = num(o, 'Particle radius [m]', path, POS);
  const a = num(o, 'Surface area per unit volume [m-1]', path, POS);
  const porosity = num(o, 'Porosity', path, FRACTION);
  const activeFraction = (a * R) / 3;
  if (activeFraction + porosity > 1 + 1e-9)
    throw new BpxError(
      `${path}.Surface area per unit volume [m-1]`,
      'active fraction a·R/3 plus porosity exceeds 1',
      `a·R/3 = ${activeFraction.toFixed(4)}, porosity ${porosity}`,
      `a ≤ 3(1−ε)/R = ${((3 * (1 - porosity)) / R).toExponential(4)}`,
    );
  const stoMin = num(o, 'Minimum stoichiometry', path, { min: 0, max: 1 });
  const stoMax = num(o, 'Maximum stoichiometry', path, { min: 0, max: 1 });
  if (stoMax <= stoMin)
    throw new BpxError(
      `${path}.Maximum stoichiometry`,
      'must be > Minimum stoichiometry',
      `${stoMax} ≤ ${stoMin}`,
      '> Minimum stoichiometry',
    );
  const sto = ['x', 'sto'] as const;
  return {
    thickness_m: num(o, 'Thickness [m]', path, POS),
    particleRadius_m: R,
    porosity,
    transportEfficiency: num(o, 'Transport efficiency', path, FRACTION),
    surfaceArea_per_m: a,
    activeFraction,
    conductivity_S_m: num(o, 'Conductivity [S.m-1]', path, POS),
    rateConstant_mol_m2_s: num(o, 'Reaction rate constant [mol.m-2.s-1]', path, POS),
    rateActivation_J_mol: num(o, 'Reaction rate constant activation energy [J.mol-1]', path, NONNEG, true) ?? 0,
    diffusivity: bpxFunction(
      o['Diffusivity [m2.s-1]'] ?? missing(`${path}.Diffusivity [m2.s-1]`),
      `${path}.Diffusivity [m2.s-1]`,
      sto,
      POS,
    ),
    diffusivityActivation_J_mol: num(o, 'Diffusivity activation energy [J.mol-1]', path, NONNEG, true) ?? 0,
    ocp: bpxFunction(o['OCP [V]'] ?? missing(`${path}.OCP [V]`), `${path}.OCP [V]`, sto),
    entropic:
      o['Entropic change coefficient [V.K-1]'] === undefined
        ? constantFn(0)
        : bpxFunction(o['Entropic change coefficient [V.K-1]'], `${path}.Entropic change coefficient [V.K-1]`, sto),
    stoMin,
    stoMax,
    maxConcentration_mol_m3: num(o, 'Maximum concentration [mol.m-3]', path, POS),
  };
}

function missing(where: string): never {
  throw new BpxError(where, 'missing', 'nothing', 'a value (required BPX field)');
}

/** Parse a BPX document (already JSON-decoded) into SI parameters. */
export function parseBpx(doc: unknown): LiquidCellParams {
  if (!isObj(doc)) throw new BpxError('BPX', 'document must be a JSON object', describe(doc), 'a JSON object');
  checkKeys(doc, new Set(['Header', 'Parameterisation', 'State', 'Validation']), 'BPX');
  const header = section(doc, 'Header', 'BPX')!;
  const ver = header['BPX'];
  if (typeof ver !== 'string' && typeof ver !== 'number')
    throw new BpxError('Header.BPX', 'must be the BPX version string', describe(ver), 'the BPX version string');
  const version = String(ver);
  const major = Number(version.split('.')[0]);
  if (!Number.isFinite(major) || major > 1)
    throw new BpxError('Header.BPX', 'unsupported version', version, '0.x and 1.x');
  const model = header['Model'];
  if (model !== undefined && model !== 'DFN' && model !== 'SPMe' && model !== 'SPM')
    throw new BpxError('Header.Model', 'unsupported model', describe(model), 'DFN, SPMe, SPM');
  const par = section(doc, 'Parameterisation', 'BPX')!;
  checkKeys(
    par,
    new Set(['Cell', 'Electrolyte', 'Negative electrode', 'Positive electrode', 'Separator', 'User-defined']),
    'Parameterisation',
  );
  const P = 'Parameterisation';
  const cellO = section(par, 'Cell', P)!;
  const elyO = section(par, 'Electrolyte', P)!;
  const negO = section(par, 'Negative electrode', P)!;
  const posO = section(par, 'Positive electrode', P)!;
  const sepO = section(par, 'Separator', P)!;
  const state = section(doc, 'State', 'BPX', true);

  const cp = `${P}.Cell`;
  checkKeys(
    cellO,
    new Set([
      'Ambient temperature [K]',
      'Initial temperature [K]',
      'Reference temperature [K]',
      'Lower voltage cut-off [V]',
      'Upper voltage cut-off [V]',
      'Nominal cell capacity [A.h]',
      'Specific heat capacity [J.K-1.kg-1]',
      'Thermal conductivity [W.m-1.K-1]',
      'Density [kg.m-3]',
      'Electrode area [m2]',
      'Number of electrode pairs connected in parallel to make a cell',
      'External surface area [m2]',
      'Volume [m3]',
      'Heat transfer coefficient [W.m-2.K-1]',
      'Electrode width [m]',
      'Electrode height [m]',
    ]),
    cp,
  );
  // 1.0 moves initial/ambient temperature and initial electrolyte concentration into State
  const ic = state ? (section(state, 'Initial conditions', 'State', true) ?? state) : undefined;
  const ts = state ? (section(state, 'Thermal state', 'State', true) ?? state) : undefined;
  const icPath = state && isObj(state['Initial conditions']) ? 'State.Initial conditions' : 'State';
  const tsPath = state && isObj(state['Thermal state']) ? 'State.Thermal state' : 'State';
  const Tref = num(cellO, 'Reference temperature [K]', cp, POS, true) ?? 298.15;
  const Tamb =
    (ts && num(ts, 'Ambient temperature [K]', tsPath, POS, true)) ??
    num(cellO, 'Ambient temperature [K]', cp, POS, true) ??
    Tref;
  const Tinit =
    (ic && num(ic, 'Initial temperature [K]', icPath, POS, true)) ??
    num(cellO, 'Initial temperature [K]', cp, POS, true) ??
    Tamb;
  const h =
    (ts && num(ts, 'Heat transfer coefficient [W.m-2.K-1]', tsPath, NONNEG, true)) ??
    num(cellO, 'Heat transfer coefficient [W.m-2.K-1]', cp, NONNEG, true);
  const pairs = num(cellO, 'Number of electrode pairs connected in parallel to make a cell', cp, { min: 1 });
  if (!Number.isInteger(pairs))
    throw new BpxError(
      `${cp}.Number of electrode pairs connected in parallel to make a cell`,
      'must be an integer',
      String(pairs),
      'an integer',
    );
  const vmin = num(cellO, 'Lower voltage cut-off [V]', cp, POS);
  const vmax = num(cellO, 'Upper voltage cut-off [V]', cp, POS);
  if (vmax <= vmin)
    throw new BpxError(
      `${cp}.Upper voltage cut-off [V]`,
      'must be > lower cut-off',
      `${vmax} ≤ ${vmin}`,
      '> lower cut-off',
    );
  const cell: BpxCell = {
    electrodeArea_m2: num(cellO, 'Electrode area [m2]', cp, POS),
    electrodePairs: pairs,
    lowerCutoff_V: vmin,
    upperCutoff_V: vmax,
    nominalCapacity_Ah: num(cellO, 'Nominal cell capacity [A.h]', cp, POS),
    referenceTemperature_K: Tref,
    ambientTemperature_K: Tamb,
    initialTemperature_K: Tinit,
    specificHeat_J_kgK: num(cellO, 'Specific heat capacity [J.K-1.kg-1]', cp, POS, true),
    density_kg_m3: num(cellO, 'Density [kg.m-3]', cp, POS, true),
    thermalConductivity_W_mK: num(cellO, 'Thermal conductivity [W.m-1.K-1]', cp, POS, true),
    externalSurfaceArea_m2: num(cellO, 'External surface area [m2]', cp, POS, true),
    volume_m3: num(cellO, 'Volume [m3]', cp, POS, true),
    ...(h !== undefined ? { heatTransferCoefficient_W_m2K: h } : {}),
  };

  const ep = `${P}.Electrolyte`;
  checkKeys(
    elyO,
    new Set([
      'Initial concentration [mol.m-3]',
      'Cation transference number',
      'Conductivity [S.m-1]',
      'Diffusivity [m2.s-1]',
      'Conductivity activation energy [J.mol-1]',
      'Diffusivity activation energy [J.mol-1]',
      'Thermodynamic factor',
    ]),
    ep,
  );
  const ce0 =
    (ic && num(ic, 'Initial electrolyte concentration [mol.m-3]', icPath, POS, true)) ??
    num(elyO, 'Initial concentration [mol.m-3]', ep, POS);
  const ce = ['x', 'c_e'] as const;
  const electrolyte: BpxElectrolyte = {
    initialConcentration_mol_m3: ce0,
    transferenceNumber: num(elyO, 'Cation transference number', ep, { min: 0, max: 1 }),
    diffusivity: bpxFunction(
      elyO['Diffusivity [m2.s-1]'] ?? missing(`${ep}.Diffusivity [m2.s-1]`),
      `${ep}.Diffusivity [m2.s-1]`,
      ce,
      POS,
    ),
    conductivity: bpxFunction(
      elyO['Conductivity [S.m-1]'] ?? missing(`${ep}.Conductivity [S.m-1]`),
      `${ep}.Conductivity [S.m-1]`,
      ce,
      POS,
    ),
    diffusivityActivation_J_mol: num(elyO, 'Diffusivity activation energy [J.mol-1]', ep, NONNEG, true) ?? 0,
    conductivityActivation_J_mol: num(elyO, 'Conductivity activation energy [J.mol-1]', ep, NONNEG, true) ?? 0,
    thermodynamicFactor:
      elyO['Thermodynamic factor'] === undefined
        ? constantFn(1)
        : bpxFunction(elyO['Thermodynamic factor'], `${ep}.Thermodynamic factor`, ce, POS),
  };
  const sp = `${P}.Separator`;
  checkKeys(sepO, new Set(['Thickness [m]', 'Porosity', 'Transport efficiency']), sp);
  const separator: BpxSeparator = {
    thickness_m: num(sepO, 'Thickness [m]', sp, POS),
    porosity: num(sepO, 'Porosity', sp, FRACTION),
    transportEfficiency: num(sepO, 'Transport efficiency', sp, FRACTION),
  };
  let initialSoc: number | undefined;
  if (ic) {
    initialSoc =
      num(ic, 'Initial state-of-charge', icPath, { min: 0, max: 1 }, true) ??
      num(ic, 'Initial state of charge', icPath, { min: 0, max: 1 }, true);
  }
  const title = typeof header['Title'] === 'string' ? header['Title'] : 'BPX cell';
  const validation = readValidation(doc['Validation']);
  const out: LiquidCellParams = {
    title,
    bpxVersion: version,
    cell,
    electrolyte,
    negative: readElectrode(negO, `${P}.Negative electrode`),
    positive: readElectrode(posO, `${P}.Positive electrode`),
    separator,
    ...(initialSoc !== undefined ? { initialSoc } : {}),
    ...(validation ? { validation } : {}),
  };
  // sanity check of the OCP functions at the window ends (finite values)
  for (const [name, el] of [
    ['Negative electrode', out.negative],
    ['Positive electrode', out.positive],
  ] as const) {
    for (const th of [el.stoMin, el.stoMax]) {
      const u = el.ocp(th, Tref);
      if (!Number.isFinite(u))
        throw new BpxError(
          `${P}.${name}.OCP [V]`,
          `not finite at stoichiometry ${th}`,
          String(u),
          'a finite OCP over the stoichiometry window',
        );
    }
  }
  return out;
}

function readValidation(v: Json): Record<string, BpxExperiment> | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v))
    throw new BpxError('Validation', 'must be an object of experiments', describe(v), 'an object of experiments');
  const out: Record<string, BpxExperiment> = {};
  for (const [name, e] of Object.entries(v)) {
    const path = `Validation.${name}`;
    if (!isObj(e))
      throw new BpxError(
        path,
        'must be an object with Time [s], Current [A], Voltage [V]',
        describe(e),
        'an object with Time [s], Current [A], Voltage [V]',
      );
    checkKeys(e, new Set(['Time [s]', 'Current [A]', 'Voltage [V]', 'Temperature [K]']), path);
    const arr = (key: string, optional: boolean): Float64Array | undefined => {
      const a = e[key];
      if (a === undefined) {
        if (optional) return undefined;
        throw new BpxError(`${path}.${key}`, 'missing', 'nothing', 'a value (required BPX field)');
      }
      if (!Array.isArray(a))
        throw new BpxError(`${path}.${key}`, 'must be an array of numbers', describe(a), 'an array of numbers');
      const f = new Float64Array(a.length);
      for (let i = 0; i < a.length; i++) {
        const x: unknown = a[i];
        if (typeof x !== 'number' || !Number.isFinite(x))
          throw new BpxError(`${path}.${key}[${i}]`, 'must be a finite number', describe(x), 'a finite number');
        f[i] = x;
      }
      return f;
    };
    const t = arr('Time [s]', false)!;
    const I = arr('Current [A]', false)!;
    const V = arr('Voltage [V]', false)!;
    const T = arr('Temperature [K]', true);
    for (const [key, a] of [
      ['Current [A]', I],
      ['Voltage [V]', V],
      ['Temperature [K]', T],
    ] as const)
      if (a && a.length !== t.length)
        throw new BpxError(`${path}.${key}`, 'must have the length of Time [s]', String(a.length), String(t.length));
    for (let i = 1; i < t.length; i++)
      if (!(t[i]! > t[i - 1]!))
        throw new BpxError(
          `${path}.Time [s][${i}]`,
          'must increase strictly',
          `${t[i]} after ${t[i - 1]}`,
          `> ${t[i - 1]}`,
        );
    out[name] = { t_s: t, I_A: I, V, ...(T ? { T_K: T } : {}) };
  }
  return out;
}

/** Parse BPX JSON text. */
export function parseBpxText(text: string, source = 'BPX'): LiquidCellParams {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BpxError(source, `not valid JSON (${(e as Error).message})`, 'the file', 'a BPX JSON document');
  }
  return parseBpx(doc);
}
