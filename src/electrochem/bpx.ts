/**
 * Battery Parameter eXchange (BPX) import — the open JSON standard of the Faraday Institution
 * (https://bpxstandard.com, schema: github.com/FaradayInstitution/BPX, bpx/schema.py).
 *
 * A document is first validated exactly as the standard's reference validator (the `bpx` package
 * 1.1.1) does — ./bpx-schema.ts: what it refuses is a BpxError naming the same field paths; a BPX v0.x
 * document is converted to v1.x first, as the reference does. Then it is read into SI parameters:
 * Header, Parameterisation{Cell, Electrolyte, Negative electrode, Positive electrode, Separator} (or an
 * SPM set: Cell and the two electrodes only), blended electrodes ({Particle: {material: {...}}}), OCP
 * hysteresis branches (BPX 1.1 `OCP (lithiation|delithiation) [V]`, or the user-defined
 * `<Side> electrode (de)lithiation OCP [V]` of the BPX example), State{Initial conditions, Thermal
 * environment} (all optional: PyBaMM's defaults — temperatures at the reference temperature, 1 M
 * electrolyte), Validation. Values are numbers, expression strings of x (stoichiometry, or c_e in mol/m³;
 * parsed by ./expr.ts, never eval) or tables {"x": [...], "y": [...]} (sorted by x as PyBaMM does;
 * linear interpolation, linear extrapolation outside).
 *
 * Conventions taken from the BPX standard (and its PyBaMM reader, pybamm/parameters/bpx.py):
 *  - exchange current density i0 = F·k·sqrt(c_e/c_e0 · θ(1−θ)) with k the "Reaction rate constant
 *    [mol.m-2.s-1]", c_e0 the initial electrolyte concentration, θ the surface stoichiometry; symmetric
 *    Butler–Volmer (α = 0.5);
 *  - active-material volume fraction ε_s = a·R/3 (a: surface area per unit volume, R: particle radius);
 *  - effective electrolyte transport = bulk property × "Transport efficiency" (inverse MacMullin number);
 *  - electrode "Conductivity" is already the effective conductivity of the porous matrix;
 *  - functions are given at the reference temperature; Arrhenius factor exp(Ea/R·(1/T_ref − 1/T));
 *  - OCP(θ, T) = OCP_ref(θ) + (T − T_ref)·dU/dT(θ);
 *  - no initial state of charge in the file: the reader leaves it open (PyBaMM starts at SOC 1).
 */
import { compileExpression, ExpressionError } from './expr.ts';
import { findInterval } from '../numerics/interp.ts';
import { ProblemError, type Problem } from '../problems.ts';
import { validateBpx } from './bpx-schema.ts';
import { REFERENCE_TEMPERATURE_K } from '../materials/constants.ts';

/** A scalar property as a function of its primary variable (θ or c_e in mol/m³) and T (K). */
export type PropertyFn = (x: number, T: number) => number;

/** One active material of an electrode (the only one, or one of a blend). */
export interface BpxParticle {
  /** the material's name in a blend ('single' for a single-material electrode) */
  readonly name: string;
  readonly particleRadius_m: number;
  /** surface area per unit electrode volume (1/m) */
  readonly surfaceArea_per_m: number;
  /** active-material volume fraction a·R/3 */
  readonly activeFraction: number;
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
  /** OCP branches on lithiation and delithiation (hysteresis), when the file gives both */
  readonly hysteresis?: {
    readonly lithiation: PropertyFn;
    readonly delithiation: PropertyFn;
    /** where they come from (BPX path) */
    readonly source: string;
    /** BPX 1.1 "OCP hysteresis decay constant" of the one-state model */
    readonly decayConstant?: number;
  };
}

/**
 * An electrode: its layer and its active materials. The particle fields at the top level are those of
 * its first (for a single-material electrode: only) material; `activeFraction` is the blend's total.
 */
export interface BpxElectrode extends BpxParticle {
  readonly thickness_m: number;
  /** NaN in an SPM set (which has no porosity, transport efficiency or conductivity) */
  readonly porosity: number;
  readonly transportEfficiency: number;
  /** effective electronic conductivity (S/m) */
  readonly conductivity_S_m: number;
  /** its active materials: one, or the blend's (BPX `Particle`) */
  readonly particles: readonly BpxParticle[];
}

export interface BpxElectrolyte {
  readonly initialConcentration_mol_m3: number;
  readonly transferenceNumber: number;
  readonly diffusivity: PropertyFn; // (c_e, T_ref) → m²/s
  readonly conductivity: PropertyFn; // (c_e, T_ref) → S/m
  readonly diffusivityActivation_J_mol: number;
  readonly conductivityActivation_J_mol: number;
  /** thermodynamic factor 1 + dln f±/dln c_e (BPX has none: 1, as PyBaMM's reader sets it) */
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
  readonly externalSurfaceArea_m2?: number;
  readonly volume_m3?: number;
  readonly heatTransferCoefficient_W_m2K?: number;
}

export interface LiquidCellParams {
  readonly title: string;
  /** Header.BPX as written in the file */
  readonly bpxVersion: string;
  /** Header.Model: the model the set was made for */
  readonly modelSet?: 'DFN' | 'SPMe' | 'SPM' | 'Partial';
  /** the set has Electrolyte and Separator (DFN/SPMe); false: an SPM set (electrolyte and separator NaN) */
  readonly fullSet?: boolean;
  readonly cell: BpxCell;
  readonly electrolyte: BpxElectrolyte;
  readonly negative: BpxElectrode;
  readonly positive: BpxElectrode;
  readonly separator: BpxSeparator;
  /** State.Initial conditions.Initial state-of-charge, when the (v1.x) file gives one */
  readonly initialSoc?: number;
  /** the file's Validation section: measured experiments (SI) */
  readonly validation?: Readonly<Record<string, BpxExperiment>>;
  /** the reference validator's warnings and rollcell's notes on doubtful physics */
  readonly warnings?: readonly string[];
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

/** A BPX document rollcell cannot read: the problems with their BPX field paths. */
export class BpxError extends ProblemError {
  constructor(problems: Problem | readonly Problem[]);
  constructor(path: string, problem: string, got: string, allowed: string);
  constructor(a: Problem | readonly Problem[] | string, problem?: string, got?: string, allowed?: string) {
    super(typeof a === 'string' ? { path: a, problem: problem ?? '', got: got ?? '', allowed: allowed ?? '' } : a);
    this.name = 'BpxError';
  }
}

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: Json): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** Linear interpolation with linear extrapolation outside the table (x strictly increasing). */
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

/** compiled expressions by (primary names, source), oldest dropped first beyond EXPRESSION_MEMO_SIZE */
const EXPRESSION_FNS = new Map<string, PropertyFn>();
const EXPRESSION_MEMO_SIZE = 512;

/**
 * A BPX FloatFunctionTable → PropertyFn of its primary variable (`primary`: the accepted names, BPX's
 * is x); T is available to expressions too.
 */
export function bpxFunction(v: Json, where: string, primary: readonly string[]): PropertyFn {
  const bad = (problem: string, got: string, allowed: string): BpxError =>
    new BpxError({ path: where, problem, got, allowed });
  if (typeof v === 'number' || typeof v === 'boolean') {
    const x = Number(v);
    if (!Number.isFinite(x)) throw bad('must be finite', String(v), 'a finite number');
    return constantFn(x);
  }
  if (typeof v === 'string') {
    // the same expression compiles to the same function (one identity): models built again from a
    // re-parsed document (a fit's evaluations) reuse the OCP and property tables cached per function
    const key = `${primary.join(',')}\u0000${v}`;
    const memo = EXPRESSION_FNS.get(key);
    if (memo) return memo;
    const names = [...primary, 'T'];
    let compiled;
    try {
      compiled = compileExpression(v, names, where);
    } catch (e) {
      if (e instanceof ExpressionError) throw new BpxError(e.problems.map((q) => ({ ...q, path: where })));
      throw e;
    }
    const ev = compiled.evaluate;
    const buf = new Float64Array(names.length);
    const np = primary.length;
    let fn: PropertyFn;
    if (compiled.used.size === 0) {
      const c = ev(buf);
      if (!Number.isFinite(c)) throw bad(`evaluates to ${c}`, JSON.stringify(v), 'a finite value');
      fn = constantFn(c);
    } else
      fn = (x: number, T: number): number => {
        for (let i = 0; i < np; i++) buf[i] = x;
        buf[np] = T;
        return ev(buf);
      };
    if (EXPRESSION_FNS.size >= EXPRESSION_MEMO_SIZE) {
      const oldest = EXPRESSION_FNS.keys().next().value;
      if (oldest !== undefined) EXPRESSION_FNS.delete(oldest);
    }
    EXPRESSION_FNS.set(key, fn);
    return fn;
  }
  if (isObj(v)) {
    const xs = v['x'];
    const ys = v['y'];
    if (!Array.isArray(xs) || !Array.isArray(ys) || xs.length !== ys.length)
      throw bad('a table needs x and y lists of the same length', describe(v), '{"x": [...], "y": [...]}');
    if (xs.length < 2) throw bad('a table needs at least 2 points', String(xs.length), '≥ 2 points');
    // sorted by x (PyBaMM sorts before it builds its interpolant)
    const rows = xs.map((x, i) => [Number(x), Number(ys[i])] as const);
    rows.forEach(([x, y], i) => {
      if (!Number.isFinite(x) || !Number.isFinite(y))
        throw bad(`row ${i} is not a pair of finite numbers`, describe([xs[i], ys[i]]), 'finite numbers');
    });
    rows.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < rows.length; i++)
      if (rows[i]![0] === rows[i - 1]![0])
        throw bad(`x = ${rows[i]![0]} appears twice`, describe(xs), 'distinct x values');
    const f = tableFunction(
      Float64Array.from(rows, (r) => r[0]),
      Float64Array.from(rows, (r) => r[1]),
    );
    return (x: number) => f(x);
  }
  throw bad(
    'must be a number, an expression string or a table',
    describe(v),
    'a number, an expression of x or {"x": [...], "y": [...]}',
  );
}

// ───────────────────────────── the document → SI parameters ─────────────────────────────

type Obj = Record<string, Json>;

/** the value at a dotted path of the document (for the `got` of a problem) */
function valueAt(doc: Json, path: string): Json {
  let v: Json = doc;
  for (const k of path === '' ? [] : path.split('.')) {
    if (!isObj(v)) return undefined;
    v = v[k];
  }
  return v;
}

/** pydantic's lax number (the validator has accepted the value): numbers and numeric strings */
const n = (v: Json): number => (typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v));
const optN = (o: Obj | undefined, k: string): number | undefined =>
  o && o[k] !== undefined && o[k] !== null ? n(o[k]) : undefined;
const sub = (o: Json, k: string): Obj | undefined => (isObj(o) && isObj(o[k]) ? (o[k] as Obj) : undefined);

function readParticle(o: Obj, path: string, name: string, hyst: HysteresisBranches | undefined): BpxParticle {
  const sto = ['x'] as const;
  const R = n(o['Particle radius [m]']);
  const a = n(o['Surface area per unit volume [m-1]']);
  const fn = (k: string): PropertyFn => bpxFunction(o[k], `${path}.${k}`, sto);
  const lith = o['OCP (lithiation) [V]'];
  const delith = o['OCP (delithiation) [V]'];
  return {
    name,
    particleRadius_m: R,
    surfaceArea_per_m: a,
    activeFraction: (a * R) / 3,
    rateConstant_mol_m2_s: n(o['Reaction rate constant [mol.m-2.s-1]']),
    rateActivation_J_mol: optN(o, 'Reaction rate constant activation energy [J.mol-1]') ?? 0,
    diffusivity: fn('Diffusivity [m2.s-1]'),
    diffusivityActivation_J_mol: optN(o, 'Diffusivity activation energy [J.mol-1]') ?? 0,
    ocp: fn('OCP [V]'),
    entropic:
      o['Entropic change coefficient [V.K-1]'] === undefined
        ? constantFn(0)
        : fn('Entropic change coefficient [V.K-1]'),
    stoMin: n(o['Minimum stoichiometry']),
    stoMax: n(o['Maximum stoichiometry']),
    maxConcentration_mol_m3: n(o['Maximum concentration [mol.m-3]']),
    ...(lith !== undefined && delith !== undefined
      ? {
          hysteresis: {
            lithiation: fn('OCP (lithiation) [V]'),
            delithiation: fn('OCP (delithiation) [V]'),
            source: `${path}.OCP (lithiation|delithiation) [V]`,
            ...(optN(o, 'OCP hysteresis decay constant') !== undefined
              ? { decayConstant: optN(o, 'OCP hysteresis decay constant')! }
              : {}),
          },
        }
      : hyst
        ? { hysteresis: hyst }
        : {}),
  };
}

interface HysteresisBranches {
  readonly lithiation: PropertyFn;
  readonly delithiation: PropertyFn;
  readonly source: string;
  readonly decayConstant?: number;
}

function readElectrode(
  o: Obj,
  path: string,
  full: boolean,
  hyst: HysteresisBranches | undefined,
  warnings: string[],
): BpxElectrode {
  const blended = isObj(o['Particle']) && Object.keys(o['Particle'] as Obj).length > 0;
  const particles: BpxParticle[] = blended
    ? Object.entries(o['Particle'] as Obj).map(([name, p]) =>
        readParticle(p as Obj, `${path}.Particle.${name}`, name, undefined),
      )
    : [readParticle(o, path, 'single', hyst)];
  if (blended && hyst)
    warnings.push(
      `${hyst.source}: the user-defined OCP branches are not used for the blended ${path} (per material only)`,
    );
  const first = particles[0]!;
  const e: BpxElectrode = {
    ...first,
    thickness_m: n(o['Thickness [m]']),
    porosity: full ? n(o['Porosity']) : NaN,
    transportEfficiency: full ? n(o['Transport efficiency']) : NaN,
    conductivity_S_m: full ? n(o['Conductivity [S.m-1]']) : NaN,
    // a blend's active fraction is the sum over its materials
    activeFraction: particles.reduce((s, p) => s + p.activeFraction, 0),
    particles,
  };
  // physics the standard does not check (doubtful, not refused: the reference validator and PyBaMM accept it)
  if (full && e.activeFraction + e.porosity > 1 + 1e-9)
    warnings.push(
      `${path}: active material a·R/3 = ${e.activeFraction.toFixed(4)} plus porosity ${e.porosity} is ` +
        `${(e.activeFraction + e.porosity).toFixed(4)} > 1 of the electrode volume ` +
        '(BPX and PyBaMM accept it; rollcell runs it as given)',
    );
  for (const p of particles)
    if (!(p.stoMax > p.stoMin))
      warnings.push(
        `${path}${blended ? `.Particle.${p.name}` : ''}: Maximum stoichiometry ${p.stoMax} is not above Minimum stoichiometry ${p.stoMin}`,
      );
  return e;
}

/** PyBaMM parameter names of 0th-order hysteresis OCP branches, as the BPX example puts them in User-defined */
const USER_HYSTERESIS = /^(Negative|Positive) electrode (lithiation|delithiation) OCP \[V\]$/;

export interface BpxParseOptions {
  /** tolerance of the reference validator's voltage-limit check, V (default 1 mV) */
  readonly vTol?: number;
}

/**
 * Parse a BPX document (already JSON-decoded) into SI parameters. The document is first validated as
 * the standard's reference validator does (./bpx-schema.ts: a refusal is a BpxError with its field
 * paths; v0.x documents are converted to v1.x first); what it accepts is read here, and doubtful physics
 * (e.g. active material plus porosity filling more than the electrode) is a warning in `warnings`.
 * Values a model cannot run with are refused when the model is built (liquid/common.ts checkModelParams).
 */
export function parseBpx(doc: unknown, opts: BpxParseOptions = {}): LiquidCellParams {
  const verdict = validateBpx(doc, opts.vTol !== undefined ? { vTol: opts.vTol } : {});
  if (!verdict.valid) {
    const src = verdict.document ?? doc;
    throw new BpxError(
      verdict.errors.map((e) => ({
        path: e.path === '' ? 'BPX' : e.path,
        problem: e.message,
        got: e.path === '' ? 'the document' : describe(valueAt(src, e.path)),
        allowed: 'what the BPX standard allows (the bpx 1.1.1 schema)',
      })),
    );
  }
  const d = verdict.document!;
  const warnings: string[] = [...verdict.warnings];
  const header = d['Header'] as Obj;
  const modelSet = header['Model'] as string;
  const par = d['Parameterisation'] as Obj;
  const P = 'Parameterisation';
  const full = isObj(par['Electrolyte']) || isObj(par['Separator']);
  const cellO = sub(par, 'Cell');
  const negO = sub(par, 'Negative electrode');
  const posO = sub(par, 'Positive electrode');
  if (!cellO || !negO || !posO) {
    // a Partial set without one of them: nothing a cell model can run
    const missing = ['Cell', 'Negative electrode', 'Positive electrode'].filter((k) => !isObj(par[k]));
    throw new BpxError(
      missing.map((k) => ({
        path: `${P}.${k}`,
        problem: 'missing: a Partial parameter set without it cannot describe a cell to run',
        got: 'nothing',
        allowed: `a ${k} section`,
      })),
    );
  }
  if (full && !(isObj(par['Electrolyte']) && isObj(par['Separator'])))
    throw new BpxError({
      path: `${P}.${isObj(par['Electrolyte']) ? 'Separator' : 'Electrolyte'}`,
      problem: 'missing: a full (DFN/SPMe) parameter set needs both Electrolyte and Separator',
      got: 'nothing',
      allowed: 'both sections, or neither (an SPM set)',
    });
  // State (BPX 1.x; optional in 1.1.1: the defaults are PyBaMM's — temperatures at the reference
  // temperature, 1 M electrolyte)
  const ic = sub(sub(d, 'State'), 'Initial conditions');
  const te = sub(sub(d, 'State'), 'Thermal environment');
  const Tref = optN(cellO, 'Reference temperature [K]');
  if (Tref === undefined)
    warnings.push(
      `${P}.Cell.Reference temperature [K]: not given; ${REFERENCE_TEMPERATURE_K} K assumed (PyBaMM cannot load a file without it)`,
    );
  const T_ref = Tref ?? REFERENCE_TEMPERATURE_K;
  const Tamb = optN(te, 'Ambient temperature [K]') ?? T_ref;
  const Tinit = optN(ic, 'Initial temperature [K]') ?? T_ref;
  const h = optN(te, 'Heat transfer coefficient [W.m-2.K-1]');
  const cell: BpxCell = {
    electrodeArea_m2: n(cellO['Electrode area [m2]']),
    electrodePairs: n(cellO['Number of electrode pairs connected in parallel to make a cell']),
    lowerCutoff_V: n(cellO['Lower voltage cut-off [V]']),
    upperCutoff_V: n(cellO['Upper voltage cut-off [V]']),
    nominalCapacity_Ah: n(cellO['Nominal cell capacity [A.h]']),
    referenceTemperature_K: T_ref,
    ambientTemperature_K: Tamb,
    initialTemperature_K: Tinit,
    ...(optN(cellO, 'Specific heat capacity [J.K-1.kg-1]') !== undefined
      ? { specificHeat_J_kgK: optN(cellO, 'Specific heat capacity [J.K-1.kg-1]')! }
      : {}),
    ...(optN(cellO, 'Density [kg.m-3]') !== undefined ? { density_kg_m3: optN(cellO, 'Density [kg.m-3]')! } : {}),
    ...(optN(cellO, 'External surface area [m2]') !== undefined
      ? { externalSurfaceArea_m2: optN(cellO, 'External surface area [m2]')! }
      : {}),
    ...(optN(cellO, 'Volume [m3]') !== undefined ? { volume_m3: optN(cellO, 'Volume [m3]')! } : {}),
    ...(h !== undefined ? { heatTransferCoefficient_W_m2K: h } : {}),
  };
  const ce0 = optN(ic, 'Initial electrolyte concentration [mol.m-3]') ?? 1000;
  const ce = ['x'] as const;
  const elyO = sub(par, 'Electrolyte');
  const ep = `${P}.Electrolyte`;
  const electrolyte: BpxElectrolyte = elyO
    ? {
        initialConcentration_mol_m3: ce0,
        transferenceNumber: n(elyO['Cation transference number']),
        diffusivity: bpxFunction(elyO['Diffusivity [m2.s-1]'], `${ep}.Diffusivity [m2.s-1]`, ce),
        conductivity: bpxFunction(elyO['Conductivity [S.m-1]'], `${ep}.Conductivity [S.m-1]`, ce),
        diffusivityActivation_J_mol: optN(elyO, 'Diffusivity activation energy [J.mol-1]') ?? 0,
        conductivityActivation_J_mol: optN(elyO, 'Conductivity activation energy [J.mol-1]') ?? 0,
        thermodynamicFactor: constantFn(1),
      }
    : {
        // an SPM set has no electrolyte: c_e stays at c_e0 (the SPM never reads the rest)
        initialConcentration_mol_m3: ce0,
        transferenceNumber: NaN,
        diffusivity: constantFn(NaN),
        conductivity: constantFn(NaN),
        diffusivityActivation_J_mol: 0,
        conductivityActivation_J_mol: 0,
        thermodynamicFactor: constantFn(1),
      };
  const sepO = sub(par, 'Separator');
  const separator: BpxSeparator = sepO
    ? {
        thickness_m: n(sepO['Thickness [m]']),
        porosity: n(sepO['Porosity']),
        transportEfficiency: n(sepO['Transport efficiency']),
      }
    : { thickness_m: NaN, porosity: NaN, transportEfficiency: NaN };
  // User-defined: the 0th-order hysteresis branches of the BPX example (PyBaMM's parameter names)
  const ud = sub(par, 'User-defined');
  const branches: Record<string, Partial<Record<'lithiation' | 'delithiation', PropertyFn>>> = {};
  if (ud)
    for (const [k, v] of Object.entries(ud)) {
      if (k === 'description') continue;
      const m = USER_HYSTERESIS.exec(k);
      if (m) (branches[m[1]!] ??= {})[m[2] as 'lithiation'] = bpxFunction(v, `${P}.User-defined.${k}`, ['x']);
      else
        warnings.push(
          `${P}.User-defined.${k}: not a parameter rollcell uses (kept in the file, ignored by the models)`,
        );
    }
  const hystOf = (side: 'Negative' | 'Positive'): HysteresisBranches | undefined => {
    const b = branches[side];
    if (!b) return undefined;
    if (!b.lithiation || !b.delithiation) {
      warnings.push(
        `${P}.User-defined: '${side} electrode ${b.lithiation ? 'delithiation' : 'lithiation'} OCP [V]' is missing, so the other branch is not used`,
      );
      return undefined;
    }
    return {
      lithiation: b.lithiation,
      delithiation: b.delithiation,
      source: `${P}.User-defined.${side} electrode (de)lithiation OCP [V]`,
    };
  };
  const negative = readElectrode(negO, `${P}.Negative electrode`, full, hystOf('Negative'), warnings);
  const positive = readElectrode(posO, `${P}.Positive electrode`, full, hystOf('Positive'), warnings);
  // the initial state of charge: the file's own State (a v0.x file's converted State is synthesised)
  let initialSoc: number | undefined;
  if (!verdict.legacy) initialSoc = optN(ic, 'Initial state-of-charge');
  if (initialSoc !== undefined && !(initialSoc >= 0 && initialSoc <= 1))
    warnings.push(
      `State.Initial conditions.Initial state-of-charge: ${initialSoc} is outside 0–1 ` +
        '(the BPX schema accepts it; PyBaMM and rollcell refuse to start from it — give --initial-soc)',
    );
  const title = typeof header['Title'] === 'string' ? header['Title'] : 'BPX cell';
  const validation = readValidation(d['Validation'], warnings);
  const out: LiquidCellParams = {
    title,
    bpxVersion: String(isObj(doc) && isObj(doc['Header']) ? doc['Header']['BPX'] : header['BPX']),
    modelSet: modelSet as LiquidCellParams['modelSet'],
    fullSet: full,
    cell,
    electrolyte,
    negative,
    positive,
    separator,
    ...(initialSoc !== undefined ? { initialSoc } : {}),
    ...(validation ? { validation } : {}),
    warnings,
  };
  return out;
}

function readValidation(v: Json, warnings: string[]): Record<string, BpxExperiment> | undefined {
  if (!isObj(v)) return undefined;
  const out: Record<string, BpxExperiment> = {};
  for (const [name, e] of Object.entries(v)) {
    const o = e as Obj;
    const arr = (k: string): Float64Array | undefined =>
      Array.isArray(o[k]) ? Float64Array.from((o[k] as Json[]).map(n)) : undefined;
    const t = arr('Time [s]')!;
    const I = arr('Current [A]')!;
    const V = arr('Voltage [V]')!;
    const T = arr('Temperature [K]');
    const bad = [I, V, T].some((a) => a !== undefined && a.length !== t.length);
    const dec = t.some((x, i) => i > 0 && !(x > t[i - 1]!));
    if (bad || dec) {
      warnings.push(
        `Validation.${name}: ${bad ? 'its columns differ in length' : 'Time [s] does not increase'}; not used for comparisons`,
      );
      continue;
    }
    out[name] = { t_s: t, I_A: I, V, ...(T ? { T_K: T } : {}) };
  }
  return out;
}

/** Parse BPX JSON text. */
export function parseBpxText(text: string, source = 'BPX', opts: BpxParseOptions = {}): LiquidCellParams {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BpxError({
      path: source,
      problem: 'not valid JSON',
      got: (e as Error).message,
      allowed: 'a BPX JSON document',
    });
  }
  return parseBpx(doc, opts);
}
