/**
 * The experiment language: PyBaMM-compatible step strings → a typed AST in SI units.
 *
 * Compatible with the strings of PyBaMM's `pybamm.step.string` / `pybamm.Experiment`
 * (pybamm/experiment/step/steps.py, base_step.py, experiment.py):
 *   "Charge at 0.1C until 4.3 V", "Hold at 4.3 V until C/50", "Discharge at 2 A for 30 minutes or until 3 V",
 *   "Rest for 1 hour", "Charge at 200mW for 45 minutes (1 minute period)", "Discharge at 2 Ohm for 10 minutes",
 *   "Discharge at 1C for 1 hour at 25oC" (older PyBaMM temperature suffix), "Run US06 (A)" (older drive cycles).
 * Experiment terminations as in `Experiment(termination=...)`: "80% capacity", "4 Ah capacity", "2.5 V",
 * plus a total time ("100 hours").
 *
 * Beyond PyBaMM (rollcell extensions):
 *   - one CC-CV step:          "Charge at 0.1C until 4.3 V then hold until 0.02C"
 *                              (the hold voltage is the CC part's voltage termination; an explicit
 *                              "then hold at 4.25 V until 50 mA" is also accepted)
 *   - several terminations:    "until 4.2 V or 50 mA" (the first one reached ends the step)
 *   - SOC terminations:        "until 80% SOC" (SOC by coulomb counting against the nominal capacity)
 *   - capacity terminations:   "until 2 Ah", "until 500 mAh", "until 150 mAh/g" (charge passed in the step;
 *                              mAh/g per cathode active mass, needs the model's cathodeActiveMass_kg)
 *   - power / resistance ends: "Hold at 4.2 V until 0.5 W" (|I·V| falls to 0.5 W), "until 2 Ohm" (|V/I| rises to 2 Ω)
 *   - drive cycles from a CSV: "Run drive cycle from data/us06.csv as current" (or "as power", "as C-rate",
 *                              "as voltage"); values in rollcell's sign convention (positive on charge)
 *   - conditional loops:       YAML `{ repeat_until: "capacity < 80 %", steps: [...] }`
 *   - temperature also as "at 25 °C", "at 25 degC", "at 298.15 K"
 *
 * Units become SI in the AST: A, V, W, Ω, s, K, C (coulomb) for charge, fractions for % values.
 * C-rates stay C-rate numbers (1/h); the step machine multiplies them by the model's nominal capacity.
 * Signs: current and power are POSITIVE ON CHARGE (rollcell/BDF convention; PyBaMM uses the opposite).
 *
 * Parse errors are values: { message, column (1-based), text (the offending text), suggestion? }.
 */
import { problem, type Problem } from '../problems.ts';

import { EXPERIMENT_LIMITS, experimentSizeProblems } from './limits.ts';
import { celsius, hours, milliseconds, toAh, toAhPerKg, fromPct, toPct } from '../units/index.ts';
import { parseIsoDateTime } from '../io/datetime.ts';

// ───────────────────────────── AST ─────────────────────────────

export type StepControl =
  /** current in A, positive on charge */
  | { readonly mode: 'current'; readonly current_A: number }
  /** C-rate in 1/h, positive on charge (× nominal capacity → A) */
  | { readonly mode: 'c_rate'; readonly c_rate: number }
  | { readonly mode: 'voltage'; readonly voltage_V: number }
  /** power in W, positive on charge */
  | { readonly mode: 'power'; readonly power_W: number }
  /** a resistive load (discharge): V = −I·R */
  | { readonly mode: 'resistance'; readonly resistance_ohm: number }
  | { readonly mode: 'rest' }
  /** a time series read from a CSV (or a named profile) applied as current/power/C-rate/voltage */
  | {
      readonly mode: 'drive_cycle';
      /** the file (or profile name) the samples come from; `inline` for samples given in the experiment */
      readonly source: string;
      readonly quantity: 'current' | 'power' | 'c_rate' | 'voltage' | 'resistance';
      /** samples given in the experiment itself (PyBaMM's drive-cycle array), in rollcell's sign convention */
      readonly data?: { readonly time_s: readonly number[]; readonly value: readonly number[] };
    };

/**
 * A comparison written before a termination value (`until < 2.5 V`, PyBaMM's `termination="> 4.2 V"`):
 * '<' ends the step when the quantity falls below the value, '>' when it rises above it. Without one, a
 * voltage termination is crossed in the step's own direction and a current termination is |I| falling
 * to the value. As in PyBaMM, a current compared with an operator is PyBaMM's signed current, POSITIVE ON
 * DISCHARGE (the opposite of rollcell's convention; `> 0.4 A` = discharging at more than 0.4 A).
 */
export type TerminationOperator = '<' | '>';

export type Termination =
  | { readonly kind: 'voltage'; readonly voltage_V: number; readonly operator?: TerminationOperator }
  /** without an operator: |I| falls to (or below) this current, A; with one: see TerminationOperator */
  | { readonly kind: 'current'; readonly current_A: number; readonly operator?: TerminationOperator }
  /** |I| falls to this C-rate, 1/h (PyBaMM ignores an operator here: |C-rate| − value, and so does rollcell) */
  | { readonly kind: 'c_rate'; readonly c_rate: number; readonly operator?: TerminationOperator }
  /** state of charge reaches this fraction (0..1) */
  | { readonly kind: 'soc'; readonly soc: number }
  /** charge passed in the step reaches this value, C (coulomb) */
  | { readonly kind: 'capacity'; readonly charge_C: number }
  /** charge passed per kg of cathode active material reaches this value, C/kg */
  | { readonly kind: 'specific_capacity'; readonly charge_C_per_kg: number }
  /** |I·V| falls to this power, W (rollcell extension, e.g. the end of a CV hold) */
  | { readonly kind: 'power'; readonly power_W: number }
  /** the apparent resistance |V/I| rises to this value, Ω (rollcell extension) */
  | { readonly kind: 'resistance'; readonly resistance_ohm: number }
  /**
   * Li metal starts to deposit at the anode (its potential vs Li/Li⁺ at the separator falls to 0 V);
   * needs a model with a plating indicator (rollcell extension: "until Li plating")
   */
  | { readonly kind: 'plating' };

/** The constant-voltage phase of a one-string CC-CV step. */
export interface CvPhase {
  readonly voltage_V: number;
  readonly duration_s?: number;
  readonly terminations: readonly Termination[];
}

export interface StepAst {
  readonly kind: 'step';
  /** the original string */
  readonly text: string;
  readonly instruction: 'charge' | 'discharge' | 'hold' | 'rest' | 'run';
  readonly control: StepControl;
  /**
   * time limit of the step (s); absent: PyBaMM's default duration applies (defaultDuration_s: 2/|C-rate| h
   * for a C-rate step, the profile's length for a drive cycle, 24 h otherwise)
   */
  readonly duration_s?: number;
  readonly terminations: readonly Termination[];
  /** sampling period of the recorded series (s) */
  readonly period_s?: number;
  /** ambient temperature during the step (K) */
  readonly temperature_K?: number;
  /** CV phase of a CC-CV step ("… until 4.3 V then hold until 0.02C") */
  readonly cv?: CvPhase;
  /** PyBaMM's step tags (Experiment.search_tag) */
  readonly tags?: readonly string[];
  /**
   * PyBaMM's `start_time`: the wall-clock time the step starts (Unix s). The step before it ends there at
   * the latest, and when it ends earlier a rest pads the gap ("Rest for padding"), as in PyBaMM.
   */
  readonly startTime_s?: number;
}

/** a block of cycles: `repeat` cycles, each running `steps` in order */
export interface CycleBlock {
  readonly kind: 'cycles';
  readonly repeat: number;
  readonly steps: readonly StepAst[];
}

export type LoopCondition =
  /** the cycle's discharge capacity falls below this fraction of the experiment's first-cycle discharge capacity */
  | { readonly kind: 'capacity_fraction'; readonly fraction: number }
  /** the cycle's discharge capacity falls below this charge (C) */
  | { readonly kind: 'capacity'; readonly charge_C: number };

/** cycles repeated until a condition holds after a cycle (checked after each cycle) */
export interface LoopBlock {
  readonly kind: 'loop';
  readonly until: LoopCondition;
  readonly text: string;
  readonly steps: readonly StepAst[];
}

export type ExperimentStop =
  | { readonly kind: 'capacity_fraction'; readonly fraction: number }
  | { readonly kind: 'capacity'; readonly charge_C: number }
  /** a cycle's minimum voltage reaches this value */
  | { readonly kind: 'voltage'; readonly voltage_V: number }
  /** total test time, s */
  | { readonly kind: 'time'; readonly time_s: number };

export interface Experiment {
  readonly blocks: readonly (CycleBlock | LoopBlock)[];
  readonly stops: readonly ExperimentStop[];
  /** default sampling period (s), PyBaMM's default is 1 minute */
  readonly period_s: number;
  /** default ambient temperature (K), absent: the model's own */
  readonly temperature_K?: number;
}

/** YAML/JSON form of an experiment entry (the recipe's `experiment:` list) */
/**
 * A step written as an object: `{string: "Discharge at 1C until 2.5 V", temperature: "10oC", period: …,
 * tags: …}` (PyBaMM's `pybamm.step.string(text, **kwargs)`) or a typed step `{type: "c-rate", value: 1,
 * termination: "2.5 V", …}` (PyBaMM's step functions and Experiment.to_config records; values positive on
 * discharge as in PyBaMM).
 */
export type StepObjectInput = { readonly [key: string]: unknown };

/** YAML/JSON form of an experiment entry (the recipe's `experiment:` list, experiment files) */
export type ExperimentEntryInput =
  | string
  | StepObjectInput
  | { repeat: number; steps: ExperimentEntryInput[] }
  | { repeat_until: string; steps: ExperimentEntryInput[] }
  | ExperimentEntryInput[];

export interface ExperimentInput {
  steps?: ExperimentEntryInput[];
  /** PyBaMM's Experiment.to_config: a list of cycles, each a list of steps */
  cycles?: ExperimentEntryInput[][];
  /** PyBaMM's name for the list */
  operating_conditions?: ExperimentEntryInput[];
  /** experiment stops: "80% capacity", "4 Ah capacity", "2.5 V", "100 hours" */
  termination?: string | string[];
  /** default period: a time string ("1 minute") or seconds */
  period?: string | number;
  /** default ambient temperature: "25 °C", "25oC", "298.15 K" or kelvin */
  temperature?: string | number;
}

export interface ParseError {
  readonly message: string;
  /** 1-based column in `input` where the problem starts */
  readonly column: number;
  /** the offending text */
  readonly text: string;
  readonly suggestion?: string;
  /** the whole string that was parsed */
  readonly input: string;
  /** where the string sits in an experiment (e.g. `experiment[2].steps[0]`) */
  readonly path?: string;
  /**
   * the error's Problem fields where the parser knows them apart (a value out of range, a size limit): the
   * problem without the path, the value found and what is allowed — read these, never parse `message`
   */
  readonly detail?: { readonly problem: string; readonly got: string; readonly allowed: string };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: ParseError[] };

// ───────────────────────────── lexer ─────────────────────────────

interface Token {
  kind: 'word' | 'number' | 'sym' | 'quoted' | 'bad';
  text: string;
  start: number; // 0-based
  end: number;
}

class Fail extends Error {
  constructor(
    msg: string,
    readonly start: number,
    readonly text: string,
    readonly suggestion?: string,
  ) {
    super(msg);
  }
}

const WORD_START = /[A-Za-zµμΩ°_]/;
const WORD_CHAR = /[A-Za-z0-9µμΩ°_]/;

function lex(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/.exec(s.slice(i));
    if (num) {
      out.push({ kind: 'number', text: num[0], start: i, end: i + num[0].length });
      i += num[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const j = s.indexOf(c, i + 1);
      if (j < 0) throw new Fail(`unterminated quote`, i, s.slice(i), `close the quote: ${s.slice(i)}${c}`);
      out.push({ kind: 'quoted', text: s.slice(i + 1, j), start: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    if (WORD_START.test(c)) {
      let j = i + 1;
      // letters, digits after the first letter, and "A.h"-style dots between letters
      while (
        j < s.length &&
        (WORD_CHAR.test(s[j]!) || (s[j] === '.' && /[A-Za-z]/.test(s[j + 1] ?? '') && /[A-Za-z]/.test(s[j - 1]!)))
      )
        j++;
      out.push({ kind: 'word', text: s.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    if ('()/%,<>=-+'.includes(c)) {
      out.push({ kind: 'sym', text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    out.push({ kind: 'bad', text: c, start: i, end: i + 1 });
    i++;
  }
  return out;
}

// ───────────────────────────── helpers ─────────────────────────────

/** optimal-string-alignment edit distance (Levenshtein + adjacent transpositions), case-insensitive */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const m = x.length;
  const n = y.length;
  const d: number[][] = [];
  for (let i = 0; i <= m; i++) {
    d.push(new Array<number>(n + 1).fill(0));
    d[i]![0] = i;
  }
  for (let j = 0; j <= n; j++) d[0]![j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}

/** the closest candidate within a distance that scales with the word length, or undefined */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(word.length, 2) / 3));
  return bestD <= limit ? best : undefined;
}

const INSTRUCTIONS = ['Charge', 'Discharge', 'Hold', 'Rest', 'Run'] as const;

type ElectricUnit = 'C' | 'A' | 'V' | 'W' | 'Ohm';
/** electric units with their SI factor (PyBaMM accepts the milli prefix; rollcell adds µ and k) */
const ELECTRIC_UNITS: Record<string, { unit: ElectricUnit; factor: number }> = {
  C: { unit: 'C', factor: 1 },
  A: { unit: 'A', factor: 1 },
  mA: { unit: 'A', factor: 1e-3 },
  uA: { unit: 'A', factor: 1e-6 },
  µA: { unit: 'A', factor: 1e-6 }, // U+00B5 micro sign
  μA: { unit: 'A', factor: 1e-6 }, // U+03BC Greek mu
  kA: { unit: 'A', factor: 1e3 },
  V: { unit: 'V', factor: 1 },
  mV: { unit: 'V', factor: 1e-3 },
  W: { unit: 'W', factor: 1 },
  mW: { unit: 'W', factor: 1e-3 },
  kW: { unit: 'W', factor: 1e3 },
  Ohm: { unit: 'Ohm', factor: 1 },
  ohm: { unit: 'Ohm', factor: 1 },
  Ω: { unit: 'Ohm', factor: 1 },
  mOhm: { unit: 'Ohm', factor: 1e-3 },
  mΩ: { unit: 'Ohm', factor: 1e-3 },
  kOhm: { unit: 'Ohm', factor: 1e3 },
  kΩ: { unit: 'Ohm', factor: 1e3 },
};

/** charge units → coulomb */
const CHARGE_UNITS: Record<string, number> = { Ah: 3600, 'A.h': 3600, mAh: 3.6, 'mA.h': 3.6 };
/** specific charge units → C/kg */
const SPECIFIC_UNITS: Record<string, number> = { 'mAh/g': 3600, 'Ah/kg': 3600 };

/** time units → s (PyBaMM: second(s)/s/sec, minute(s)/m/min, hour(s)/h/hr; rollcell adds day(s)) */
const TIME_UNITS: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hour: 3600,
  hours: 3600,
  day: 86400,
  days: 86400,
};

const KEYWORDS = ['at', 'for', 'until', 'or', 'then', 'hold', 'from', 'as', 'period'];

const fmt = (x: number): string => String(Number(x.toPrecision(12)));

class Parser {
  private i = 0;
  constructor(
    readonly src: string,
    readonly toks: Token[],
  ) {}

  peek(k = 0): Token | undefined {
    return this.toks[this.i + k];
  }
  next(): Token | undefined {
    return this.toks[this.i++];
  }
  atEnd(): boolean {
    return this.i >= this.toks.length;
  }
  endPos(): number {
    return this.src.replace(/\s+$/, '').length;
  }
  isWord(t: Token | undefined, w: string): boolean {
    return t !== undefined && t.kind === 'word' && t.text.toLowerCase() === w.toLowerCase();
  }
  expectWord(w: string, context: string, hint?: string): Token {
    const t = this.peek();
    if (this.isWord(t, w)) return this.next()!;
    if (t === undefined)
      throw new Fail(`expected '${w}' ${context} but the step ends`, this.endPos(), '', `add '${w} …'`);
    const sug = t.kind === 'word' && editDistance(t.text, w) <= 1 ? `did you mean '${w}'?` : hint;
    throw new Fail(`expected '${w}' ${context}, found '${t.text}'`, t.start, t.text, sug);
  }

  /** reads a number, with an optional sign */
  number(what: string): { value: number; tok: Token } {
    let t = this.peek();
    let sign = 1;
    if (t && t.kind === 'sym' && (t.text === '-' || t.text === '+')) {
      const n = this.peek(1);
      if (n && n.kind === 'number') {
        sign = t.text === '-' ? -1 : 1;
        this.next();
        t = n;
      }
    }
    if (!t) throw new Fail(`expected ${what} but the step ends`, this.endPos(), '');
    if (t.kind !== 'number') throw new Fail(`expected ${what}, found '${t.text}'`, t.start, t.text);
    this.next();
    const value = sign * Number(t.text);
    // `1e999` overflows to Infinity: a step at an infinite C-rate, or for infinite seconds, ran as one (exit 0)
    if (!Number.isFinite(value))
      throw new Fail(`${what}: too large (overflows to Infinity)`, t.start, t.text, 'a finite number (below 1.8e308)');
    return { value, tok: { ...t, start: sign < 0 ? t.start - 1 : t.start } };
  }

  /** the unit word after a number (may be "mAh/g"), or undefined when the next token is not a unit-like word */
  unitAfter(): { text: string; start: number; end: number } | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.kind === 'sym' && t.text === '%') {
      this.next();
      return { text: '%', start: t.start, end: t.end };
    }
    if (t.kind !== 'word') return undefined;
    const lower = t.text.toLowerCase();
    if (KEYWORDS.includes(lower) && !['m', 'h', 's'].includes(lower)) return undefined;
    this.next();
    // specific units "mAh/g"
    const s = this.peek();
    const g = this.peek(1);
    if (s && s.kind === 'sym' && s.text === '/' && g && g.kind === 'word' && s.start === t.end && g.start === s.end) {
      this.i += 2;
      return { text: `${t.text}/${g.text}`, start: t.start, end: g.end };
    }
    return { text: t.text, start: t.start, end: t.end };
  }

  /** "C/50" form */
  cRateFraction(): { value: number; start: number; end: number } | undefined {
    const t = this.peek();
    const s = this.peek(1);
    if (t && t.kind === 'word' && t.text === 'C' && s && s.kind === 'sym' && s.text === '/') {
      this.i += 2;
      const d = this.number(`a number after 'C/' (e.g. 'C/20')`);
      if (!(d.value > 0)) throw new Fail(`C-rate divisor must be > 0 (got ${d.tok.text})`, d.tok.start, d.tok.text);
      return { value: 1 / d.value, start: t.start, end: d.tok.end };
    }
    return undefined;
  }

  /** an electric quantity: number + A/V/W/Ohm/C (with prefixes) or C/x */
  electric(
    context: string,
    allowed: readonly ElectricUnit[],
    hintUnits: readonly ElectricUnit[] = allowed,
  ): { unit: ElectricUnit; value: number; start: number; end: number; text: string } {
    const cf = this.cRateFraction();
    if (cf) {
      if (!allowed.includes('C'))
        throw new Fail(
          `a C-rate is not allowed ${context}`,
          cf.start,
          this.src.slice(cf.start, cf.end),
          `allowed units: ${allowed.join(', ')}`,
        );
      return { unit: 'C', value: cf.value, start: cf.start, end: cf.end, text: this.src.slice(cf.start, cf.end) };
    }
    const t0 = this.peek();
    if (t0 && t0.kind === 'word') {
      const sug = /^c$/i.test(t0.text)
        ? `a C-rate needs a number: write '1C' or 'C/20'`
        : `e.g. '1 A', '0.5C', 'C/20', '4.2 V', '2 W', '3 Ohm'`;
      throw new Fail(`expected a value with a unit ${context}, found '${t0.text}'`, t0.start, t0.text, sug);
    }
    const n = this.number(`a value with a unit ${context}`);
    const u = this.unitAfter();
    const numText = n.tok.text;
    if (!u) {
      throw new Fail(
        `missing unit after '${fmt(n.value)}' ${context}`,
        n.tok.start,
        numText,
        missingUnitHint(n.value, hintUnits),
      );
    }
    const e = ELECTRIC_UNITS[u.text];
    if (!e) {
      const cands = Object.keys(ELECTRIC_UNITS).filter((k) => allowed.includes(ELECTRIC_UNITS[k]!.unit));
      const c = closest(u.text, cands);
      throw new Fail(
        `unknown unit '${u.text}' ${context}`,
        u.start,
        u.text,
        c ? `did you mean '${c}'? write '${fmt(n.value)} ${c}'` : `allowed units: ${cands.join(', ')}`,
      );
    }
    if (!allowed.includes(e.unit)) {
      throw new Fail(
        `unit '${u.text}' is not allowed ${context}`,
        u.start,
        u.text,
        `allowed units: ${allowed.map((a) => (a === 'C' ? 'C (C-rate)' : a)).join(', ')}`,
      );
    }
    return {
      unit: e.unit,
      value: n.value * e.factor,
      start: n.tok.start,
      end: u.end,
      text: this.src.slice(n.tok.start, u.end),
    };
  }

  duration(context: string): number {
    const n = this.number(`a duration ${context} (e.g. '30 minutes')`);
    const u = this.unitAfter();
    if (!u)
      throw new Fail(
        `missing time unit after '${n.tok.text}' ${context}`,
        n.tok.start,
        n.tok.text,
        `write '${n.tok.text} seconds', '${n.tok.text} minutes' or '${n.tok.text} hours'`,
      );
    const f = TIME_UNITS[u.text];
    if (f === undefined) {
      const c = closest(u.text, Object.keys(TIME_UNITS));
      throw new Fail(
        `unknown time unit '${u.text}' ${context}`,
        u.start,
        u.text,
        c ? `did you mean '${c}'?` : `allowed: seconds, minutes, hours, days (s, min, h)`,
      );
    }
    if (!(n.value > 0))
      throw new Fail(
        `duration must be > 0 ${context} (got ${n.tok.text} ${u.text})`,
        n.tok.start,
        `${n.tok.text} ${u.text}`,
      );
    return n.value * f;
  }

  temperature(): number {
    const n = this.number(`a temperature after 'at' (e.g. '25 °C')`);
    const u = this.unitAfter();
    const txt = u ? this.src.slice(n.tok.start, u.end) : n.tok.text;
    if (!u)
      throw new Fail(
        `missing temperature unit after '${n.tok.text}'`,
        n.tok.start,
        n.tok.text,
        `write '${n.tok.text} °C', '${n.tok.text}oC' or '${n.tok.text} K'`,
      );
    let K: number;
    if (['oC', '°C', 'degC'].includes(u.text)) K = celsius(n.value);
    else if (u.text === 'K') K = n.value;
    else if (u.text === 'C')
      throw new Fail(
        `'C' after 'at' reads as a C-rate, not a temperature`,
        u.start,
        txt,
        `write '${n.tok.text} °C' or '${n.tok.text}oC'`,
      );
    else {
      const c = closest(u.text, ['oC', '°C', 'degC', 'K']);
      throw new Fail(
        `unknown temperature unit '${u.text}'`,
        u.start,
        u.text,
        c ? `did you mean '${c}'?` : `allowed: oC, °C, degC, K`,
      );
    }
    if (!(K > 0)) throw new Fail(`temperature must be above absolute zero (got ${txt})`, n.tok.start, txt);
    return K;
  }

  /** one termination: "4.2 V", "50 mA", "C/50", "0.02C", "80% SOC", "2 Ah", "150 mAh/g", "< 2.5 V", "> -0.5 A" */
  termination(): Termination {
    const o = this.peek();
    let operator: TerminationOperator | undefined;
    if (o && o.kind === 'sym' && (o.text === '<' || o.text === '>')) {
      this.next();
      operator = o.text;
    }
    const withOp = <T extends Termination>(t: T, start: number, text: string): T => {
      if (operator === undefined) return t;
      if (t.kind !== 'voltage' && t.kind !== 'current' && t.kind !== 'c_rate')
        throw new Fail(
          `'${operator}' applies to a voltage, current or C-rate termination only`,
          start,
          text,
          `write e.g. 'until ${operator} 2.5 V' or drop the '${operator}'`,
        );
      return { ...t, operator };
    };
    const cf = this.cRateFraction();
    if (cf) return withOp({ kind: 'c_rate', c_rate: cf.value }, cf.start, this.src.slice(cf.start, cf.end));
    const t0 = this.peek();
    if (this.isWord(t0, 'plating')) {
      this.next();
      return { kind: 'plating' };
    }
    if (this.isWord(t0, 'Li') && this.isWord(this.peek(1), 'plating')) {
      this.next();
      this.next();
      return { kind: 'plating' };
    }
    if (t0 && t0.kind === 'word') {
      const c = closest(t0.text, ['SOC', 'plating']);
      throw new Fail(
        `expected a termination value after 'until', found '${t0.text}'`,
        t0.start,
        t0.text,
        c ? `write e.g. '80% SOC'` : `e.g. 'until 4.2 V', 'until 50 mA', 'until C/50', 'until 80% SOC', 'until 2 Ah'`,
      );
    }
    const n = this.number(`a termination value after 'until' (e.g. '4.2 V')`);
    const u = this.unitAfter();
    if (!u)
      throw new Fail(
        `missing unit after '${n.tok.text}' in the termination`,
        n.tok.start,
        n.tok.text,
        missingUnitHint(n.value, ['V', 'A', 'C']),
      );
    const txt = this.src.slice(n.tok.start, u.end);
    if (n.value < 0 && operator === undefined)
      throw new Fail(
        `termination value must be ≥ 0 (got ${txt})`,
        n.tok.start,
        txt,
        `write magnitudes; the step's direction gives the sign (a signed current needs '<' or '>': 'until > -0.5 A')`,
      );
    if (operator !== undefined) {
      const e = ELECTRIC_UNITS[u.text];
      if (!e || e.unit === 'W' || e.unit === 'Ohm')
        throw new Fail(
          `'${operator}' applies to a voltage, current or C-rate termination only`,
          n.tok.start,
          txt,
          `write e.g. 'until ${operator} 2.5 V'`,
        );
      if (e.unit === 'V') return withOp({ kind: 'voltage', voltage_V: n.value * e.factor }, n.tok.start, txt);
      if (e.unit === 'A') return withOp({ kind: 'current', current_A: n.value * e.factor }, n.tok.start, txt);
      return withOp({ kind: 'c_rate', c_rate: n.value }, n.tok.start, txt);
    }
    if (u.text === '%') {
      const w = this.peek();
      if (this.isWord(w, 'SOC')) {
        this.next();
        if (n.value > 100) throw new Fail(`SOC must be within 0–100 % (got ${txt})`, n.tok.start, txt);
        return { kind: 'soc', soc: fromPct(n.value) };
      }
      throw new Fail(
        `'%' in a termination must be followed by 'SOC'`,
        u.start,
        w ? w.text : '%',
        w && w.kind === 'word' && closest(w.text, ['SOC']) ? `did you mean 'SOC'?` : `write '${n.tok.text}% SOC'`,
      );
    }
    const e = ELECTRIC_UNITS[u.text];
    if (e) {
      if (e.unit === 'V') return { kind: 'voltage', voltage_V: n.value * e.factor };
      if (e.unit === 'A') return { kind: 'current', current_A: n.value * e.factor };
      if (e.unit === 'C') return { kind: 'c_rate', c_rate: n.value };
      if (e.unit === 'W') return { kind: 'power', power_W: n.value * e.factor };
      return { kind: 'resistance', resistance_ohm: n.value * e.factor };
    }
    const q = CHARGE_UNITS[u.text];
    if (q !== undefined) return { kind: 'capacity', charge_C: n.value * q };
    const sq = SPECIFIC_UNITS[u.text];
    if (sq !== undefined) return { kind: 'specific_capacity', charge_C_per_kg: n.value * sq };
    if (TIME_UNITS[u.text] !== undefined)
      throw new Fail(`a time after 'until'`, n.tok.start, txt, `write 'for ${txt}' for a time limit`);
    const c = closest(u.text, [
      ...Object.keys(ELECTRIC_UNITS),
      ...Object.keys(CHARGE_UNITS),
      ...Object.keys(SPECIFIC_UNITS),
    ]);
    throw new Fail(
      `unknown unit '${u.text}' in the termination`,
      u.start,
      u.text,
      c ? `did you mean '${c}'?` : `allowed: V, mV, A, mA, C, W, mW, Ohm, %, Ah, mAh, mAh/g`,
    );
  }

  /** "until X or Y …" after the 'until' keyword; stops before "or for" / suffixes */
  terminations(): Termination[] {
    const out: Termination[] = [this.termination()];
    while (this.isWord(this.peek(), 'or') && !this.isWord(this.peek(1), 'for') && !this.isWord(this.peek(1), 'until')) {
      this.next();
      out.push(this.termination());
    }
    return out;
  }
}

function missingUnitHint(v: number, allowed: readonly ElectricUnit[]): string {
  const s = fmt(v);
  if (allowed.includes('V') && v >= 1.5 && v <= 5.5) return `missing unit: write '${s} V'`;
  const opts = allowed.map((u) => (u === 'C' ? `'${s}C'` : `'${s} ${u}'`));
  return `missing unit: write ${opts.join(' or ')}`;
}

// ───────────────────────────── step parser ─────────────────────────────

function toError(e: unknown, input: string, path?: string): ParseError {
  if (e instanceof Fail) {
    return {
      message: e.message,
      column: e.start + 1,
      text: e.text,
      ...(e.suggestion ? { suggestion: e.suggestion } : {}),
      input,
      ...(path !== undefined ? { path } : {}),
    };
  }
  throw e;
}

/** Parses one step string ("Charge at 0.1C until 4.3 V"). */
export function parseStep(input: string, path?: string): Parsed<StepAst> {
  try {
    return { ok: true, value: parseStepOrThrow(input) };
  } catch (e) {
    return { ok: false, errors: [toError(e, input, path)] };
  }
}

function parseStepOrThrow(input: string): StepAst {
  if (input.trim() === '') throw new Fail('empty step', 0, '', `e.g. 'Discharge at 0.1C until 3 V'`);
  const p = new Parser(input, lex(input));
  const first = p.next()!;
  if (first.kind !== 'word')
    throw new Fail(
      `a step starts with an instruction, found '${first.text}'`,
      first.start,
      first.text,
      `start with ${INSTRUCTIONS.map((w) => `'${w}'`).join(', ')}`,
    );
  const instrWord = INSTRUCTIONS.find((w) => w.toLowerCase() === first.text.toLowerCase());
  if (!instrWord) {
    const c = closest(first.text, INSTRUCTIONS);
    throw new Fail(
      `unknown instruction '${first.text}'`,
      first.start,
      first.text,
      c ? `did you mean '${c}'?` : `instructions: ${INSTRUCTIONS.join(', ')}`,
    );
  }
  const instruction = instrWord.toLowerCase() as StepAst['instruction'];
  let control: StepControl;

  if (instruction === 'rest') {
    control = { mode: 'rest' };
  } else if (instruction === 'run') {
    control = parseRun(p);
  } else {
    p.expectWord('at', `after '${instrWord}'`);
    const allowed: ElectricUnit[] =
      instruction === 'hold' ? ['V'] : instruction === 'charge' ? ['C', 'A', 'W'] : ['C', 'A', 'W', 'Ohm'];
    const before = p.peek();
    const q = p.electric(`after '${instrWord} at'`, ['C', 'A', 'V', 'W', 'Ohm'], allowed);
    if (!allowed.includes(q.unit)) {
      if (q.unit === 'V')
        throw new Fail(
          `'${instrWord}' cannot be voltage-controlled`,
          q.start,
          q.text,
          `use 'Hold at ${q.text} until …' for a constant-voltage step`,
        );
      if (instruction === 'hold')
        throw new Fail(
          `'Hold' takes a voltage, got '${q.text}'`,
          q.start,
          q.text,
          `use 'Charge at ${q.text}' or 'Discharge at ${q.text}', or 'Hold at 4.2 V'`,
        );
      throw new Fail(
        `'Charge' through a resistance is not possible`,
        q.start,
        q.text,
        `use 'Discharge at ${q.text}' (a resistive load)`,
      );
    }
    if (!(q.value > 0)) {
      throw new Fail(
        `value must be > 0 (got '${q.text}')`,
        before ? before.start : q.start,
        q.text,
        `write a magnitude; 'Charge'/'Discharge' gives the direction`,
      );
    }
    const sign = instruction === 'charge' ? 1 : -1;
    switch (q.unit) {
      case 'C':
        control = { mode: 'c_rate', c_rate: sign * q.value };
        break;
      case 'A':
        control = { mode: 'current', current_A: sign * q.value };
        break;
      case 'W':
        control = { mode: 'power', power_W: sign * q.value };
        break;
      case 'Ohm':
        control = { mode: 'resistance', resistance_ohm: q.value };
        break;
      case 'V':
        control = { mode: 'voltage', voltage_V: q.value };
        break;
    }
  }

  let duration_s: number | undefined;
  let terminations: Termination[] = [];
  let period_s: number | undefined;
  let temperature_K: number | undefined;
  let cv: CvPhase | undefined;
  let sawClause = false;

  while (!p.atEnd()) {
    const t = p.peek()!;
    if (p.isWord(t, 'for')) {
      p.next();
      if (duration_s !== undefined)
        throw new Fail(`a second 'for' duration`, t.start, t.text, `give one duration per step`);
      duration_s = p.duration(`after 'for'`);
      sawClause = true;
    } else if (p.isWord(t, 'or')) {
      p.next();
      const n = p.peek();
      if (!p.isWord(n, 'until') && !p.isWord(n, 'for')) {
        throw new Fail(
          `expected 'until' or 'for' after 'or'`,
          n ? n.start : p.endPos(),
          n ? n.text : '',
          `e.g. 'for 1 hour or until 3 V'`,
        );
      }
    } else if (p.isWord(t, 'until')) {
      p.next();
      if (terminations.length > 0)
        throw new Fail(`a second 'until'`, t.start, t.text, `join terminations with 'or': 'until 4.2 V or 50 mA'`);
      terminations = p.terminations();
      sawClause = true;
    } else if (p.isWord(t, 'then')) {
      p.next();
      cv = parseCv(p, instruction, terminations);
    } else if (p.isWord(t, 'at')) {
      p.next();
      if (temperature_K !== undefined) throw new Fail(`a second temperature`, t.start, t.text);
      temperature_K = p.temperature();
    } else if (t.kind === 'sym' && t.text === '(') {
      p.next();
      if (period_s !== undefined) throw new Fail(`a second period`, t.start, t.text);
      period_s = p.duration(`in the period '(… period)'`);
      p.expectWord(
        'period',
        `in '(1 minute period)'`,
        `write '(${p.src.slice(t.end, p.peek()?.start ?? p.src.length).trim()} period)'`,
      );
      const c = p.next();
      if (!c || c.kind !== 'sym' || c.text !== ')')
        throw new Fail(
          `expected ')' after 'period'`,
          c ? c.start : p.endPos(),
          c ? c.text : '',
          `write '(1 minute period)'`,
        );
    } else {
      if (t.kind === 'bad') throw new Fail(`unexpected character '${t.text}'`, t.start, t.text);
      const c = t.kind === 'word' ? closest(t.text, ['for', 'until', 'or', 'then', 'at', 'period']) : undefined;
      throw new Fail(
        `unexpected '${t.text}'`,
        t.start,
        t.text,
        c
          ? `did you mean '${c}'?`
          : `after the set point come 'for <time>', 'until <condition>', '(<time> period)' or 'at <temperature>'`,
      );
    }
  }

  if (control.mode !== 'drive_cycle' && !sawClause && !cv) {
    throw new Fail(
      `a step needs 'for <time>' or 'until <condition>'`,
      p.endPos(),
      input.trim(),
      `e.g. '${input.trim()} for 1 hour' or '${input.trim()} until 4.2 V'`,
    );
  }
  if (control.mode === 'rest' && terminations.some((x) => x.kind === 'current' || x.kind === 'c_rate')) {
    throw new Fail(
      `a rest has zero current; a current termination would end it at once`,
      0,
      input,
      `use 'Rest for <time>'`,
    );
  }
  if (control.mode === 'voltage' && terminations.some((x) => x.kind === 'voltage')) {
    throw new Fail(
      `a voltage hold cannot terminate on a voltage`,
      0,
      input,
      `terminate a hold on current ('until 50 mA', 'until C/50') or time ('for 1 hour')`,
    );
  }
  return {
    kind: 'step',
    text: input,
    instruction,
    control,
    ...(duration_s !== undefined ? { duration_s } : {}),
    terminations,
    ...(period_s !== undefined ? { period_s } : {}),
    ...(temperature_K !== undefined ? { temperature_K } : {}),
    ...(cv ? { cv } : {}),
  };
}

function parseCv(p: Parser, instruction: StepAst['instruction'], ccTerms: Termination[]): CvPhase {
  const h = p.peek();
  if (!p.isWord(h, 'hold')) {
    const sug =
      h && h.kind === 'word' && closest(h.text, ['hold']) ? `did you mean 'hold'?` : `write '… then hold until 0.02C'`;
    throw new Fail(`expected 'hold' after 'then'`, h ? h.start : p.endPos(), h ? h.text : '', sug);
  }
  p.next();
  if (instruction !== 'charge' && instruction !== 'discharge')
    throw new Fail(`'then hold' follows a Charge or Discharge step`, h!.start, h!.text);
  let voltage_V: number | undefined;
  if (p.isWord(p.peek(), 'at')) {
    p.next();
    const q = p.electric(`after 'then hold at'`, ['V']);
    voltage_V = q.value;
  } else {
    const v = ccTerms.find((x) => x.kind === 'voltage');
    if (!v || v.kind !== 'voltage') {
      throw new Fail(
        `'then hold' needs the hold voltage: a voltage termination before it or 'then hold at <V>'`,
        h!.start,
        h!.text,
        `e.g. 'Charge at 0.1C until 4.3 V then hold until 0.02C'`,
      );
    }
    voltage_V = v.voltage_V;
  }
  let duration_s: number | undefined;
  let terms: Termination[] = [];
  while (!p.atEnd()) {
    const t = p.peek()!;
    if (p.isWord(t, 'for') && duration_s === undefined) {
      p.next();
      duration_s = p.duration(`after 'then hold … for'`);
    } else if (p.isWord(t, 'or') && (p.isWord(p.peek(1), 'until') || p.isWord(p.peek(1), 'for'))) {
      p.next();
    } else if (p.isWord(t, 'until') && terms.length === 0) {
      p.next();
      terms = p.terminations();
    } else break;
  }
  if (duration_s === undefined && terms.length === 0) {
    throw new Fail(
      `the hold needs 'until <current>' or 'for <time>'`,
      p.endPos(),
      '',
      `e.g. '… then hold until 0.02C'`,
    );
  }
  if (terms.some((x) => x.kind === 'voltage'))
    throw new Fail(
      `a voltage hold cannot terminate on a voltage`,
      h!.start,
      h!.text,
      `terminate the hold on current ('until C/50')`,
    );
  return { voltage_V, ...(duration_s !== undefined ? { duration_s } : {}), terminations: terms };
}

function parseRun(p: Parser): StepControl {
  const t = p.peek();
  // rollcell: "Run drive cycle from <file> as current"
  if (p.isWord(t, 'drive')) {
    p.next();
    p.expectWord('cycle', `in 'Run drive cycle from <file.csv> as current'`);
    p.expectWord('from', `in 'Run drive cycle from <file.csv> as current'`);
    const f = p.peek();
    if (!f)
      throw new Fail(
        `missing file after 'from'`,
        p.endPos(),
        '',
        `write 'Run drive cycle from profile.csv as current'`,
      );
    let source: string;
    if (f.kind === 'quoted') {
      p.next();
      source = f.text;
    } else {
      // raw text up to " as "
      const rest = p.src.slice(f.start);
      const m = /\s+as\s+/i.exec(rest);
      if (!m)
        throw new Fail(
          `missing 'as current' or 'as power' after the file`,
          p.endPos(),
          rest.trim(),
          `write 'Run drive cycle from ${rest.trim()} as current'`,
        );
      source = rest.slice(0, m.index);
      while (!p.atEnd() && p.peek()!.start < f.start + m.index) p.next();
    }
    p.expectWord('as', `after the drive-cycle file`);
    const q = p.next();
    const kinds: Record<string, 'current' | 'power' | 'c_rate' | 'voltage' | 'resistance'> = {
      current: 'current',
      power: 'power',
      'c-rate': 'c_rate',
      c_rate: 'c_rate',
      voltage: 'voltage',
      resistance: 'resistance',
    };
    let qt = q?.text.toLowerCase() ?? '';
    if (q && q.text === 'C' && p.peek()?.text === '-') {
      p.next();
      const r = p.next();
      qt = `c-${r?.text.toLowerCase() ?? ''}`;
    }
    const quantity = kinds[qt];
    if (!quantity) {
      const c = q ? closest(q.text, ['current', 'power', 'voltage']) : undefined;
      throw new Fail(
        `a drive cycle is applied 'as current', 'as power', 'as C-rate', 'as voltage' or 'as resistance'`,
        q ? q.start : p.endPos(),
        q ? q.text : '',
        c ? `did you mean '${c}'?` : undefined,
      );
    }
    return { mode: 'drive_cycle', source, quantity };
  }
  // older PyBaMM: "Run US06 (A)"
  if (t && (t.kind === 'word' || t.kind === 'quoted') && p.peek(1)?.text === '(') {
    p.next();
    p.next();
    const u = p.next();
    const close = p.next();
    const map: Record<string, 'current' | 'power' | 'voltage'> = { A: 'current', W: 'power', V: 'voltage' };
    if (!u || !map[u.text] || !close || close.text !== ')') {
      throw new Fail(
        `expected '(A)', '(W)' or '(V)' after the drive-cycle name`,
        u ? u.start : p.endPos(),
        u ? u.text : '',
        `e.g. 'Run US06 (A)'`,
      );
    }
    return { mode: 'drive_cycle', source: t.text, quantity: map[u.text]! };
  }
  throw new Fail(
    `expected 'drive cycle from <file.csv> as current' after 'Run'`,
    t ? t.start : p.endPos(),
    t ? t.text : '',
    `e.g. 'Run drive cycle from us06.csv as current' or 'Run US06 (A)'`,
  );
}

// ───────────────────────────── experiment-level strings ─────────────────────────────

/** Parses an experiment stop: "80% capacity", "4 Ah capacity", "4 A.h capacity", "2.5 V", "100 hours". */
export function parseStop(input: string, path?: string): Parsed<ExperimentStop> {
  try {
    const p = new Parser(input, lex(input));
    const n = p.number(`a value (e.g. '80% capacity', '4 Ah capacity', '2.5 V', '100 hours')`);
    const u = p.unitAfter();
    if (!u)
      throw new Fail(
        `missing unit after '${n.tok.text}'`,
        n.tok.start,
        n.tok.text,
        `write '${n.tok.text}% capacity', '${n.tok.text} Ah capacity', '${n.tok.text} V' or '${n.tok.text} hours'`,
      );
    let stop: ExperimentStop;
    const needCapacity = (): void => {
      const w = p.next();
      if (!w || !p.isWord(w, 'capacity')) {
        const c = w && w.kind === 'word' ? closest(w.text, ['capacity']) : undefined;
        throw new Fail(
          `expected 'capacity' after '${input.slice(n.tok.start, u.end)}'`,
          w ? w.start : p.endPos(),
          w ? w.text : '',
          c ? `did you mean 'capacity'?` : `write '${input.slice(n.tok.start, u.end)} capacity'`,
        );
      }
    };
    if (u.text === '%') {
      needCapacity();
      if (!(n.value > 0 && n.value <= 100))
        throw new Fail(`capacity stop must be within (0, 100] % (got ${n.tok.text}%)`, n.tok.start, n.tok.text);
      stop = { kind: 'capacity_fraction', fraction: fromPct(n.value) };
    } else if (CHARGE_UNITS[u.text] !== undefined) {
      needCapacity();
      if (!(n.value > 0)) throw new Fail(`capacity stop must be > 0`, n.tok.start, n.tok.text);
      stop = { kind: 'capacity', charge_C: n.value * CHARGE_UNITS[u.text]! };
    } else if (ELECTRIC_UNITS[u.text]?.unit === 'V') {
      stop = { kind: 'voltage', voltage_V: n.value * ELECTRIC_UNITS[u.text]!.factor };
    } else if (TIME_UNITS[u.text] !== undefined) {
      if (!(n.value > 0)) throw new Fail(`time stop must be > 0`, n.tok.start, n.tok.text);
      stop = { kind: 'time', time_s: n.value * TIME_UNITS[u.text]! };
    } else {
      const c = closest(u.text, ['%', 'Ah', 'A.h', 'mAh', 'V', ...Object.keys(TIME_UNITS)]);
      throw new Fail(
        `unknown unit '${u.text}' in the experiment stop`,
        u.start,
        u.text,
        c ? `did you mean '${c}'?` : `e.g. '80% capacity', '4 Ah capacity', '2.5 V', '100 hours'`,
      );
    }
    const extra = p.peek();
    if (extra)
      throw new Fail(`unexpected '${extra.text}'`, extra.start, input.slice(extra.start), `e.g. '80% capacity'`);
    return { ok: true, value: stop };
  } catch (e) {
    return { ok: false, errors: [toError(e, input, path)] };
  }
}

/** Parses a loop condition: "capacity < 80 %", "capacity < 2 Ah", optionally prefixed by "repeat until". */
export function parseLoopCondition(input: string, path?: string): Parsed<LoopCondition> {
  try {
    const p = new Parser(input, lex(input));
    if (p.isWord(p.peek(), 'repeat')) {
      p.next();
      p.expectWord('until', `after 'repeat'`);
    }
    const w = p.next();
    if (!w || !p.isWord(w, 'capacity')) {
      const c = w && w.kind === 'word' ? closest(w.text, ['capacity']) : undefined;
      throw new Fail(
        `a loop condition reads 'capacity < 80 %'`,
        w ? w.start : p.endPos(),
        w ? w.text : '',
        c ? `did you mean 'capacity'?` : `e.g. 'capacity < 80 %' or 'capacity < 2 Ah'`,
      );
    }
    const lt = p.next();
    if (!lt || lt.text !== '<')
      throw new Fail(
        `expected '<' after 'capacity'`,
        lt ? lt.start : p.endPos(),
        lt ? lt.text : '',
        `e.g. 'capacity < 80 %'`,
      );
    const n = p.number(`a value after '<'`);
    const u = p.unitAfter();
    if (!u)
      throw new Fail(
        `missing unit after '${n.tok.text}'`,
        n.tok.start,
        n.tok.text,
        `write '${n.tok.text} %' or '${n.tok.text} Ah'`,
      );
    let cond: LoopCondition;
    if (u.text === '%') {
      if (!(n.value > 0 && n.value <= 100))
        throw new Fail(`capacity fraction must be within (0, 100] % (got ${n.tok.text} %)`, n.tok.start, n.tok.text);
      cond = { kind: 'capacity_fraction', fraction: fromPct(n.value) };
    } else if (CHARGE_UNITS[u.text] !== undefined) {
      if (!(n.value > 0)) throw new Fail(`capacity must be > 0`, n.tok.start, n.tok.text);
      cond = { kind: 'capacity', charge_C: n.value * CHARGE_UNITS[u.text]! };
    } else {
      const c = closest(u.text, ['%', 'Ah', 'mAh']);
      throw new Fail(
        `unknown unit '${u.text}' in the loop condition`,
        u.start,
        u.text,
        c ? `did you mean '${c}'?` : `allowed: %, Ah, mAh`,
      );
    }
    const extra = p.peek();
    if (extra) throw new Fail(`unexpected '${extra.text}'`, extra.start, input.slice(extra.start));
    return { ok: true, value: cond };
  } catch (e) {
    return { ok: false, errors: [toError(e, input, path)] };
  }
}

function parseDurationString(input: string, path: string): Parsed<number> {
  try {
    const p = new Parser(input, lex(input));
    const d = p.duration(`(e.g. '1 minute')`);
    const extra = p.peek();
    if (extra) throw new Fail(`unexpected '${extra.text}'`, extra.start, extra.text);
    return { ok: true, value: d };
  } catch (e) {
    return { ok: false, errors: [toError(e, input, path)] };
  }
}

function parseTemperatureString(input: string, path: string): Parsed<number> {
  try {
    const p = new Parser(input, lex(input));
    if (p.isWord(p.peek(), 'at')) p.next();
    const K = p.temperature();
    const extra = p.peek();
    if (extra) throw new Fail(`unexpected '${extra.text}'`, extra.start, extra.text);
    return { ok: true, value: K };
  } catch (e) {
    return { ok: false, errors: [toError(e, input, path)] };
  }
}

/** one termination string as PyBaMM's `termination=` takes it: "2.5V", "< 2.5 V", "> 4.2 V", "C/50", "50 mA" */
export function parseTerminationString(input: string, path?: string): Parsed<Termination> {
  try {
    const p = new Parser(input, lex(input));
    if (p.isWord(p.peek(), 'until')) p.next();
    const t = p.termination();
    const extra = p.peek();
    if (extra)
      throw new Fail(
        `unexpected '${extra.text}' after the termination`,
        extra.start,
        input.slice(extra.start),
        `give one termination per string; several as a list: ["< 2.5 V", "> 4.2 V"]`,
      );
    return { ok: true, value: t };
  } catch (e) {
    return { ok: false, errors: [toError(e, input, path)] };
  }
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function valueError(path: string, message: string, got: unknown, detail?: ParseError['detail']): ParseError {
  const s = JSON.stringify(got) ?? String(got);
  return {
    message,
    column: 1,
    text: s.length > 60 ? s.slice(0, 57) + '...' : s,
    input: s,
    path,
    ...(detail ? { detail } : {}),
  };
}

/** a value error whose problem, value and allowed range are known apart: `<path>: <problem> (got …; allowed …)` */
function rangeError(path: string, problem: string, got: string, allowed: string, value: unknown): ParseError {
  return valueError(path, `${path}: ${problem} (got ${got}; allowed ${allowed})`, value, { problem, got, allowed });
}

/** a duration: a number of seconds (PyBaMM) or a time string ("1 minute", "2 hours") */
function durationValue(v: unknown, path: string, errors: ParseError[]): number | undefined {
  if (typeof v === 'number') {
    if (Number.isFinite(v) && v > 0) return v;
    errors.push(rangeError(path, 'time must be positive', String(v), 'a number of seconds > 0', v));
    return undefined;
  }
  if (typeof v === 'string') {
    const r = parseDurationString(v, path);
    if (r.ok) return r.value;
    errors.push(...r.errors);
    return undefined;
  }
  errors.push(valueError(path, `${path}: must be a number of seconds or a time string (got ${JSON.stringify(v)})`, v));
  return undefined;
}

/** a temperature: a number in kelvin (PyBaMM) or a temperature string ("25oC", "298.15 K", "25 °C") */
function temperatureValue(v: unknown, path: string, errors: ParseError[]): number | undefined {
  if (typeof v === 'number') {
    if (Number.isFinite(v) && v > 0) return v;
    errors.push(rangeError(path, 'must be above absolute zero', `${v} K`, '> 0 K', v));
    return undefined;
  }
  if (typeof v === 'string') {
    const r = parseTemperatureString(v, path);
    if (r.ok) return r.value;
    errors.push(...r.errors);
    return undefined;
  }
  errors.push(
    valueError(path, `${path}: must be a number (K) or a temperature string like "25oC" (got ${JSON.stringify(v)})`, v),
  );
  return undefined;
}

/** a start time: Unix seconds or an ISO 8601 date-time (one without a zone is read as UTC) */
function startTimeValue(v: unknown, path: string, errors: ParseError[]): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    // strict ISO 8601 (io/datetime.ts): Date.parse also took `March 7` (2001), `2023-02-30` (2 March)
    const t = parseIsoDateTime(v.trim());
    if (Number.isFinite(t)) return milliseconds(t);
  }
  errors.push(
    valueError(
      path,
      `${path}: \`start_time\` should be a date-time (ISO 8601, e.g. 2023-01-01T08:00:00) or Unix seconds`,
      v,
    ),
  );
  return undefined;
}

function tagsValue(v: unknown, path: string, errors: ParseError[]): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  const problem = 'must be a string or a list of strings';
  const got = JSON.stringify(v) ?? String(v);
  errors.push(
    valueError(path, `${path}: ${problem} (got ${got})`, v, { problem, got, allowed: 'a string or a list of strings' }),
  );
  return undefined;
}

/** keyword arguments every PyBaMM step takes (pybamm.step.BaseStep) */
const STEP_KWARGS = ['period', 'temperature', 'tags', 'description', 'direction', 'skip_ok', 'start_time'];
/** keys of `pybamm.step.string(text, **kwargs)` written as an object (`string` or `step` holds the text) */
const STRING_STEP_KEYS = ['string', 'step', ...STEP_KWARGS];
/** keys of a typed step: PyBaMM's step functions (`pybamm.step.c_rate(1, termination="2.5 V")`) and its
 * Experiment.to_config step records, plus rollcell's `file` (drive cycle from a CSV) */
const TYPED_STEP_KEYS = ['type', 'value', 'file', 'duration', 'termination', 'terminations', ...STEP_KWARGS];
const STEP_TYPES: Record<string, 'current' | 'c_rate' | 'voltage' | 'power' | 'resistance' | 'rest'> = {
  current: 'current',
  'c-rate': 'c_rate',
  c_rate: 'c_rate',
  'C-rate': 'c_rate',
  crate: 'c_rate',
  voltage: 'voltage',
  power: 'power',
  resistance: 'resistance',
  rest: 'rest',
};
const DIRECTIONS = ['charge', 'discharge', 'rest'];

/** is this object a step (as opposed to a repeat block or an experiment)? */
export function isStepObject(e: unknown): e is Record<string, unknown> {
  return isObj(e) && ('string' in e || 'step' in e || 'type' in e);
}

function unknownKeys(o: Record<string, unknown>, allowed: readonly string[], path: string, errors: ParseError[]): void {
  for (const k of Object.keys(o)) {
    if (allowed.includes(k)) continue;
    const c = closest(k, allowed);
    errors.push(
      valueError(
        `${path}.${k}`,
        `${path}.${k}: unknown key (allowed ${allowed.join(', ')})${c ? `; did you mean '${c}'?` : ''}`,
        o[k],
      ),
    );
  }
}

/** a voltage termination without an operator on a voltage-controlled step takes PyBaMM's `direction` */
function directed(terms: readonly Termination[], direction: string | undefined): Termination[] {
  const op: TerminationOperator | undefined =
    direction === 'charge' ? '>' : direction === 'discharge' ? '<' : undefined;
  if (!op) return [...terms];
  return terms.map((t) => (t.kind === 'voltage' && t.operator === undefined ? { ...t, operator: op } : t));
}

/** `{string: "Discharge at 1C until 2.5 V", temperature: "10oC", period: "10 seconds", tags: [...]}` */
function parseStringStepObject(o: Record<string, unknown>, path: string): Parsed<StepAst> {
  const errors: ParseError[] = [];
  unknownKeys(o, [...STRING_STEP_KEYS, 'termination', 'duration'], path, errors);
  for (const k of ['termination', 'duration'])
    if (k in o)
      errors.push(
        valueError(
          `${path}.${k}`,
          `${path}.${k}: a step string carries its own ` +
            `${k === 'duration' ? "'for …'" : "'until …'"} (PyBaMM's step.string passes ${k}= itself and ` +
            `raises TypeError for a second one)`,
          o[k],
        ),
      );
  const key = 'string' in o ? 'string' : 'step';
  const text = o[key];
  if (typeof text !== 'string') {
    errors.push(
      valueError(`${path}.${key}`, `${path}.${key}: must be a step string (got ${JSON.stringify(text)})`, text),
    );
    return { ok: false, errors };
  }
  const r = parseStep(text, `${path}.${key}`);
  if (!r.ok) return { ok: false, errors: [...errors, ...r.errors] };
  let step: StepAst = r.value;
  if (o['period'] !== undefined) {
    if (step.period_s !== undefined)
      errors.push(
        valueError(
          `${path}.period`,
          `${path}.period: Period cannot be specified both as a keyword argument and in the string`,
          o['period'],
        ),
      );
    const v = durationValue(o['period'], `${path}.period`, errors);
    if (v !== undefined) step = { ...step, period_s: v };
  }
  if (o['temperature'] !== undefined) {
    if (step.temperature_K !== undefined)
      errors.push(
        valueError(
          `${path}.temperature`,
          `${path}.temperature: the temperature is given both in the string and as a keyword`,
          o['temperature'],
        ),
      );
    const v = temperatureValue(o['temperature'], `${path}.temperature`, errors);
    if (v !== undefined) step = { ...step, temperature_K: v };
  }
  if (o['tags'] !== undefined) {
    const t = tagsValue(o['tags'], `${path}.tags`, errors);
    if (t) step = { ...step, tags: t };
  }
  if (o['start_time'] !== undefined && o['start_time'] !== null) {
    const t = startTimeValue(o['start_time'], `${path}.start_time`, errors);
    if (t !== undefined) step = { ...step, startTime_s: t };
  }
  if (o['description'] !== undefined && typeof o['description'] !== 'string')
    errors.push(valueError(`${path}.description`, `${path}.description: must be a string`, o['description']));
  const dir = o['direction'];
  if (dir !== undefined && dir !== null && !(typeof dir === 'string' && DIRECTIONS.includes(dir)))
    errors.push(
      valueError(`${path}.direction`, `${path}.direction: Invalid direction (allowed charge, discharge, rest)`, dir),
    );
  if (o['skip_ok'] !== undefined && typeof o['skip_ok'] !== 'boolean')
    errors.push(valueError(`${path}.skip_ok`, `${path}.skip_ok: must be true or false`, o['skip_ok']));
  if (errors.length) return { ok: false, errors };
  if (step.control.mode === 'voltage' && typeof dir === 'string')
    step = { ...step, terminations: directed(step.terminations, dir) };
  return { ok: true, value: step };
}

/**
 * A typed step: PyBaMM's `pybamm.step.current/c_rate/voltage/power/resistance/rest(value, duration=…,
 * termination=…, period=…, temperature=…, tags=…)` or a step record of PyBaMM's Experiment.to_config
 * (`{"type": "c-rate", "value": 1, "terminations": [{"type": "voltage", "value": 2.5}]}`). The value is
 * in PyBaMM's sign convention, POSITIVE ON DISCHARGE (it is PyBaMM's format); a list of [t, value] rows
 * is a drive cycle; rollcell's `file: us06.csv` reads the drive cycle from a CSV instead.
 */
function parseTypedStep(o: Record<string, unknown>, path: string): Parsed<StepAst> {
  const errors: ParseError[] = [];
  unknownKeys(o, TYPED_STEP_KEYS, path, errors);
  const typeRaw = o['type'];
  const type = typeof typeRaw === 'string' ? STEP_TYPES[typeRaw] : undefined;
  if (!type) {
    errors.push(
      valueError(
        `${path}.type`,
        `${path}.type: Unknown step type ${JSON.stringify(typeRaw)} (allowed current, c-rate, voltage, power, resistance, rest)`,
        typeRaw,
      ),
    );
    return { ok: false, errors };
  }
  const duration_s = o['duration'] !== undefined ? durationValue(o['duration'], `${path}.duration`, errors) : undefined;
  const period_s = o['period'] !== undefined ? durationValue(o['period'], `${path}.period`, errors) : undefined;
  const temperature_K =
    o['temperature'] !== undefined ? temperatureValue(o['temperature'], `${path}.temperature`, errors) : undefined;
  const tags = o['tags'] !== undefined ? tagsValue(o['tags'], `${path}.tags`, errors) : undefined;
  const startTime_s =
    o['start_time'] !== undefined && o['start_time'] !== null
      ? startTimeValue(o['start_time'], `${path}.start_time`, errors)
      : undefined;
  const description = o['description'];
  if (description !== undefined && typeof description !== 'string')
    errors.push(valueError(`${path}.description`, `${path}.description: must be a string`, description));
  const dir = o['direction'];
  if (dir !== undefined && dir !== null && !(typeof dir === 'string' && DIRECTIONS.includes(dir)))
    errors.push(
      valueError(`${path}.direction`, `${path}.direction: Invalid direction (allowed charge, discharge, rest)`, dir),
    );
  if (o['skip_ok'] !== undefined && typeof o['skip_ok'] !== 'boolean')
    errors.push(valueError(`${path}.skip_ok`, `${path}.skip_ok: must be true or false`, o['skip_ok']));
  // terminations: PyBaMM's termination= (strings) and the config's terminations (records)
  let terminations: Termination[] = [];
  const tRaw = o['termination'];
  if (tRaw !== undefined && tRaw !== null) {
    const list = Array.isArray(tRaw) ? tRaw : [tRaw];
    list.forEach((t, k) => {
      const tp = Array.isArray(tRaw) ? `${path}.termination[${k}]` : `${path}.termination`;
      if (typeof t !== 'string') {
        errors.push(valueError(tp, `${tp}: must be a termination string like "2.5 V" or "< 2.5 V"`, t));
        return;
      }
      const r = parseTerminationString(t, tp);
      if (r.ok) terminations.push(r.value);
      else errors.push(...r.errors);
    });
  }
  const recs = o['terminations'];
  if (recs !== undefined && recs !== null) {
    if (!Array.isArray(recs))
      errors.push(valueError(`${path}.terminations`, `${path}.terminations: must be a list of {type, value}`, recs));
    else
      recs.forEach((t, k) => {
        const tp = `${path}.terminations[${k}]`;
        if (!isObj(t)) {
          errors.push(valueError(tp, `${tp}: must be {type, value, operator?}`, t));
          return;
        }
        unknownKeys(t, ['type', 'value', 'operator'], tp, errors);
        const v = t['value'];
        const op = t['operator'];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          errors.push(valueError(`${tp}.value`, `${tp}.value: must be a finite number`, v));
          return;
        }
        if (op !== undefined && op !== null && op !== '<' && op !== '>') {
          errors.push(valueError(`${tp}.operator`, `${tp}.operator: Invalid operator (allowed '<', '>')`, op));
          return;
        }
        const operator = op === '<' || op === '>' ? { operator: op as TerminationOperator } : {};
        if (t['type'] === 'voltage') terminations.push({ kind: 'voltage', voltage_V: v, ...operator });
        else if (t['type'] === 'current') terminations.push({ kind: 'current', current_A: v, ...operator });
        else if (t['type'] === 'c-rate' || t['type'] === 'c_rate' || t['type'] === 'C-rate')
          terminations.push({ kind: 'c_rate', c_rate: v, ...operator });
        else
          errors.push(
            valueError(
              `${tp}.type`,
              `${tp}.type: Unknown termination type ${JSON.stringify(t['type'])} (allowed voltage, current, c-rate)`,
              t['type'],
            ),
          );
      });
  }
  // the value: a number (PyBaMM sign: positive on discharge), drive-cycle rows, or rollcell's file
  const v = o['value'];
  const file = o['file'];
  let control: StepControl | undefined;
  let instruction: StepAst['instruction'] = 'rest';
  const quantity = type === 'rest' ? 'current' : type;
  if (type === 'rest') {
    if (v !== undefined && v !== 0 && v !== null)
      errors.push(valueError(`${path}.value`, `${path}.value: Rest steps must have a current value of 0`, v));
    control = { mode: 'rest' };
  } else if (file !== undefined) {
    if (v !== undefined)
      errors.push(valueError(`${path}.file`, `${path}.file: give either value or file, not both`, file));
    if (typeof file !== 'string' || file.trim() === '')
      errors.push(valueError(`${path}.file`, `${path}.file: must be a CSV file path`, file));
    else {
      control = { mode: 'drive_cycle', source: file, quantity };
      instruction = 'run';
    }
  } else if (Array.isArray(v)) {
    const time_s: number[] = [];
    const value: number[] = [];
    const flip = quantity === 'voltage' ? 1 : -1; // PyBaMM's values are positive on discharge
    let bad = false;
    v.forEach((row, k) => {
      if (bad) return;
      if (!Array.isArray(row) || row.length !== 2 || !row.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        errors.push(
          valueError(
            `${path}.value[${k}]`,
            `${path}.value[${k}]: Drive cycle must be a 2-column array with time in the first column (got ${JSON.stringify(row)})`,
            row,
          ),
        );
        bad = true;
        return;
      }
      time_s.push(row[0] as number);
      value.push(flip * (row[1] as number) + 0); // + 0: no −0
    });
    if (!bad) {
      if (time_s.length < 2)
        errors.push(valueError(`${path}.value`, `${path}.value: a drive cycle needs at least 2 rows`, v));
      else if (time_s[0] !== 0)
        errors.push(valueError(`${path}.value[0][0]`, `${path}.value: Drive cycle must start at t=0`, time_s[0]));
      else if (time_s.some((t, k) => k > 0 && !(t > time_s[k - 1]!)))
        errors.push(valueError(`${path}.value`, `${path}.value: drive-cycle times must increase`, time_s));
      else {
        control = { mode: 'drive_cycle', source: 'inline', quantity, data: { time_s, value } };
        instruction = 'run';
      }
    }
  } else if (typeof v === 'number' && Number.isFinite(v)) {
    switch (type) {
      case 'current':
        control = v === 0 ? { mode: 'rest' } : { mode: 'current', current_A: -v + 0 };
        instruction = v > 0 ? 'discharge' : v < 0 ? 'charge' : 'rest';
        break;
      case 'c_rate':
        if (v === 0) errors.push(valueError(`${path}.value`, `${path}.value: a C-rate step needs a non-zero value`, v));
        control = { mode: 'c_rate', c_rate: -v + 0 };
        instruction = v > 0 ? 'discharge' : 'charge';
        break;
      case 'power':
        if (v === 0) errors.push(valueError(`${path}.value`, `${path}.value: a power step needs a non-zero value`, v));
        control = { mode: 'power', power_W: -v + 0 };
        instruction = v > 0 ? 'discharge' : 'charge';
        break;
      case 'voltage':
        if (!(v > 0)) errors.push(valueError(`${path}.value`, `${path}.value: a voltage must be > 0 V (got ${v})`, v));
        control = { mode: 'voltage', voltage_V: v };
        instruction = 'hold';
        break;
      case 'resistance':
        if (!(v > 0))
          errors.push(valueError(`${path}.value`, `${path}.value: a resistance must be > 0 Ω (a load; got ${v})`, v));
        control = { mode: 'resistance', resistance_ohm: v };
        instruction = 'discharge';
        break;
    }
  } else if (typeof v === 'string') {
    errors.push(
      valueError(
        `${path}.value`,
        `${path}.value: a name here is a PyBaMM InputParameter, which rollcell does not have (give a number, drive-cycle rows or file)`,
        v,
      ),
    );
  } else {
    errors.push(valueError(`${path}.value`, `${path}.value: Value is required for '${typeRaw as string}' steps`, v));
  }
  if (errors.length || !control) return { ok: false, errors };
  if (control.mode === 'voltage' && typeof dir === 'string') terminations = directed(terminations, dir);
  const head: StepAst = {
    kind: 'step',
    text: '',
    instruction,
    control,
    ...(duration_s !== undefined ? { duration_s } : {}),
    terminations,
    ...(period_s !== undefined ? { period_s } : {}),
    ...(temperature_K !== undefined ? { temperature_K } : {}),
    ...(tags ? { tags } : {}),
    ...(startTime_s !== undefined ? { startTime_s } : {}),
  };
  const text = typeof description === 'string' ? description : formatStep(head);
  return { ok: true, value: { ...head, text } };
}

/** One experiment entry that is a step: a string, `{string: …, period, temperature, tags}` or a typed step. */
export function parseStepEntry(e: unknown, path: string): Parsed<StepAst> {
  if (typeof e === 'string') return parseStep(e, path);
  if (isObj(e) && ('string' in e || 'step' in e)) return parseStringStepObject(e, path);
  if (isObj(e) && 'type' in e) return parseTypedStep(e, path);
  return {
    ok: false,
    errors: [
      valueError(path, `${path}: Operating conditions must be a Step object or string (got ${JSON.stringify(e)})`, e),
    ],
  };
}

/**
 * PyBaMM's default duration of a step written without 'for' (base_step.py `default_duration`): the
 * profile's length for a drive cycle, 2/|C-rate| hours for a C-rate step (`CRate._default_timespan`,
 * "1 / value × 2" h: a 2× safety factor on the time the C-rate needs), otherwise 24 hours. A step that
 * reaches its default duration without a termination makes the experiment infeasible (PyBaMM stops).
 */
export function defaultDuration_s(control: StepControl, profileLength_s?: number): number {
  if (control.mode === 'drive_cycle') {
    if (control.data) return control.data.time_s[control.data.time_s.length - 1]!;
    if (profileLength_s !== undefined) return profileLength_s;
  }
  if (control.mode === 'c_rate') return hours(2) / Math.abs(control.c_rate);
  return hours(24);
}

/** flattens nested entries into one list of steps (nested repeats expanded) */
function flattenSteps(entries: unknown, path: string, errors: ParseError[]): StepAst[] {
  const out: StepAst[] = [];
  if (!Array.isArray(entries) || entries.length === 0) {
    errors.push(
      valueError(
        path,
        `${path}: must be a non-empty list of steps (got ${JSON.stringify(entries)}; allowed: step strings, lists, {repeat, steps})`,
        entries,
      ),
    );
    return out;
  }
  entries.forEach((e, k) => {
    const p = `${path}[${k}]`;
    if (typeof e === 'string' || isStepObject(e)) {
      const r = parseStepEntry(e, p);
      if (r.ok) out.push(r.value);
      else errors.push(...r.errors);
    } else if (Array.isArray(e)) {
      out.push(...flattenSteps(e, p, errors));
    } else if (isObj(e) && 'repeat' in e) {
      const n = e['repeat'];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
        errors.push(
          valueError(
            `${p}.repeat`,
            `${p}.repeat: must be an integer ≥ 1 (got ${JSON.stringify(n)}; allowed integers ≥ 1)`,
            n,
          ),
        );
        return;
      }
      const inner = flattenSteps(e['steps'], `${p}.steps`, errors);
      // expanded here, so bounded before expanding (a nested repeat of 10⁹ would fill memory)
      const max = EXPERIMENT_LIMITS.stepsPerCycle;
      if (out.length + n * inner.length > max) {
        errors.push(
          valueError(
            `${p}.repeat`,
            `too many steps in one cycle (got ${n} × ${inner.length} step(s) of a nested repeat; ` +
              `allowed <= ${max} steps per cycle, nested repeats expanded: use a top-level {repeat: N, steps} for cycles)`,
            n,
          ),
        );
        return;
      }
      for (let r = 0; r < n; r++) for (const x of inner) out.push(x);
    } else if (isObj(e) && 'repeat_until' in e) {
      errors.push(
        valueError(
          p,
          `${p}: a 'repeat_until' loop must be at the top level of the experiment (got a nested loop; allowed: top-level only)`,
          e,
        ),
      );
    } else {
      errors.push(
        valueError(
          p,
          `${p}: must be a step string, a step object, a list of steps or {repeat: N, steps: [...]} (got ${JSON.stringify(e)})`,
          e,
        ),
      );
    }
  });
  return out;
}

export interface ExperimentOptions {
  /**
   * How top-level steps become cycles. 'pybamm' (experiment files, `--experiment`): PyBaMM's rule, every
   * top-level entry is a cycle — a step string is a cycle of one step, a list (PyBaMM's tuple) is one
   * cycle. 'grouped' (the recipe's `cycling.experiment`, default): consecutive top-level steps form one
   * cycle, so a plain list `[Charge …, Hold …, Discharge …]` is one charge–discharge cycle.
   */
  cycles?: 'pybamm' | 'grouped';
}

const EXPERIMENT_KEYS = ['steps', 'cycles', 'operating_conditions', 'termination', 'period', 'temperature'];

/**
 * Parses an experiment: a list of entries (step strings or step objects, lists = one cycle,
 * `{repeat: N, steps}` = N cycles, `{repeat_until: "capacity < 80 %", steps}` = a loop of cycles),
 * an object `{ steps | cycles | operating_conditions, termination?, period?, temperature? }` (PyBaMM's
 * Experiment arguments; `cycles` is Experiment.to_config's list of cycles), or one string with a step per
 * line. How top-level steps become cycles: `opts.cycles` ('grouped' by default, see ExperimentOptions).
 * Adjacent identical cycles are kept as one block with a repeat count (PyBaMM's `[(…)] * 1000`).
 */
export function parseExperiment(
  input: ExperimentInput | ExperimentEntryInput[] | string,
  path = 'experiment',
  opts: ExperimentOptions = {},
): Parsed<Experiment> {
  const errors: ParseError[] = [];
  const pybamm = opts.cycles === 'pybamm';
  let entries: unknown;
  let entriesPath = path;
  let spec: Record<string, unknown> = {};
  if (typeof input === 'string')
    entries = input
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter((s) => s !== '' && !s.startsWith('#'));
  else if (Array.isArray(input)) entries = input;
  else if (isObj(input)) {
    spec = input as unknown as Record<string, unknown>;
    unknownKeys(spec, EXPERIMENT_KEYS, path, errors);
    const which = ['steps', 'cycles', 'operating_conditions'].filter((k) => spec[k] !== undefined);
    if (which.length > 1)
      errors.push(
        valueError(path, `${path}: give one of steps, cycles, operating_conditions (got ${which.join(', ')})`, which),
      );
    const key = which[0] ?? 'steps';
    entriesPath = key === 'steps' ? path : `${path}.${key}`;
    entries = spec[key];
    if (key === 'cycles' && Array.isArray(entries)) {
      // Experiment.to_config: every element is a cycle (a list of steps)
      entries = entries.map((c) => (Array.isArray(c) ? c : [c]));
    }
  } else entries = input;
  if (!Array.isArray(entries) || entries.length === 0) {
    return {
      ok: false,
      errors: [
        ...errors,
        valueError(
          entriesPath,
          `${entriesPath}: must be a non-empty list of steps (got ${JSON.stringify(entries)}; ` +
            `allowed: step strings, lists, {repeat, steps}, {repeat_until, steps})`,
          entries,
        ),
      ],
    };
  }
  const blocks: (CycleBlock | LoopBlock)[] = [];
  // 'grouped': consecutive top-level steps form one cycle
  let pending: StepAst[] | undefined;
  const flush = (): void => {
    if (pending && pending.length) blocks.push({ kind: 'cycles', repeat: 1, steps: pending });
    pending = undefined;
  };
  entries.forEach((e, k) => {
    const p = `${entriesPath}[${k}]`;
    if (typeof e === 'string' || isStepObject(e)) {
      const r = parseStepEntry(e, p);
      if (!r.ok) {
        errors.push(...r.errors);
        return;
      }
      if (pybamm) blocks.push({ kind: 'cycles', repeat: 1, steps: [r.value] });
      else (pending ??= []).push(r.value);
      return;
    }
    flush();
    if (Array.isArray(e)) {
      const steps = flattenSteps(e, p, errors);
      if (steps.length) blocks.push({ kind: 'cycles', repeat: 1, steps });
    } else if (isObj(e) && 'repeat' in e) {
      unknownKeys(e, ['repeat', 'steps'], p, errors);
      const n = e['repeat'];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
        errors.push(
          valueError(
            `${p}.repeat`,
            `${p}.repeat: must be an integer ≥ 1 (got ${JSON.stringify(n)}; allowed integers ≥ 1)`,
            n,
          ),
        );
        return;
      }
      const steps = flattenSteps(e['steps'], `${p}.steps`, errors);
      if (steps.length) blocks.push({ kind: 'cycles', repeat: n, steps });
    } else if (isObj(e) && 'repeat_until' in e) {
      unknownKeys(e, ['repeat_until', 'steps'], p, errors);
      const c = e['repeat_until'];
      if (typeof c !== 'string') {
        errors.push(
          valueError(
            `${p}.repeat_until`,
            `${p}.repeat_until: must be a condition string (got ${JSON.stringify(c)}; allowed e.g. 'capacity < 80 %')`,
            c,
          ),
        );
        return;
      }
      const cond = parseLoopCondition(c, `${p}.repeat_until`);
      const steps = flattenSteps(e['steps'], `${p}.steps`, errors);
      if (!cond.ok) errors.push(...cond.errors);
      else if (steps.length) blocks.push({ kind: 'loop', until: cond.value, text: c, steps });
    } else {
      errors.push(
        valueError(
          p,
          `${p}: must be a step string, a step object, a list of steps, {repeat, steps} or {repeat_until, steps} (got ${JSON.stringify(e)})`,
          e,
        ),
      );
    }
  });
  flush();
  const stops: ExperimentStop[] = [];
  const termination = spec['termination'];
  const terms =
    termination === undefined || termination === null ? [] : Array.isArray(termination) ? termination : [termination];
  terms.forEach((t, k) => {
    const tp = Array.isArray(termination) ? `${path}.termination[${k}]` : `${path}.termination`;
    if (typeof t !== 'string') {
      errors.push(valueError(tp, `${tp}: must be a string like '80% capacity' (got ${JSON.stringify(t)})`, t));
      return;
    }
    const r = parseStop(t, tp);
    if (r.ok) stops.push(r.value);
    else errors.push(...r.errors);
  });
  let period_s = 60; // PyBaMM's default period: 1 minute
  if (spec['period'] !== undefined && spec['period'] !== null) {
    const v = durationValue(spec['period'], `${path}.period`, errors);
    if (v !== undefined) period_s = v;
  }
  let temperature_K: number | undefined;
  if (spec['temperature'] !== undefined && spec['temperature'] !== null)
    temperature_K = temperatureValue(spec['temperature'], `${path}.temperature`, errors);
  // PyBaMM: with start times, the first step must have one
  const all = blocks.flatMap((b) => b.steps);
  if (all.some((s) => s.startTime_s !== undefined) && all[0] && all[0].startTime_s === undefined)
    errors.push(
      valueError(
        path,
        `${path}: When using experiments with \`start_time\`, the first step must have a \`start_time\`.`,
        all[0].text,
      ),
    );
  if (errors.length) return { ok: false, errors };
  const value: Experiment = {
    blocks: mergeRepeats(blocks),
    stops,
    period_s,
    ...(temperature_K !== undefined ? { temperature_K } : {}),
  };
  const size = experimentSizeProblems(value);
  if (size.length)
    return {
      ok: false,
      errors: size.map((z) => {
        const problem = `${z.where === 'experiment' ? '' : `step ${z.where}: `}${z.problem}`;
        return {
          message: `${problem} (got ${z.got}; allowed ${z.allowed})`,
          column: 1,
          text: '',
          input: '',
          path,
          detail: { problem, got: z.got, allowed: z.allowed },
        };
      }),
    };
  return { ok: true, value };
}

/** adjacent cycle blocks with the same steps become one block with the summed repeat count */
function mergeRepeats(blocks: readonly (CycleBlock | LoopBlock)[]): (CycleBlock | LoopBlock)[] {
  const out: (CycleBlock | LoopBlock)[] = [];
  const keys: string[] = [];
  for (const b of blocks) {
    const key = b.kind === 'cycles' ? JSON.stringify(b.steps) : '';
    const prev = out[out.length - 1];
    if (b.kind === 'cycles' && prev !== undefined && prev.kind === 'cycles' && keys[keys.length - 1] === key) {
      out[out.length - 1] = { kind: 'cycles', repeat: prev.repeat + b.repeat, steps: prev.steps };
      continue;
    }
    out.push(b);
    keys.push(key);
  }
  return out;
}

/** one line per error: `<path>: <message> at column <c> ('<text>'); <suggestion>` */
/** a parse error as the one error value: the step string's path, the problem at its column, the text found */
export function parseErrorProblem(e: ParseError): Problem {
  const col = e.input !== '' ? ` at column ${e.column} of "${e.input}"` : '';
  return {
    path: e.path ?? 'experiment',
    problem: `${e.message}${col}`,
    got: e.text !== '' ? `'${e.text}'` : 'nothing',
    allowed: e.suggestion ?? 'a step of the experiment language (src/cycler/README.md)',
  };
}

export function formatParseError(e: ParseError): string {
  const where = e.path ? `${e.path}: ` : '';
  const col = e.input !== '' ? ` at column ${e.column} of "${e.input}"` : '';
  const txt = e.text !== '' ? ` (got '${e.text}')` : '';
  return `${where}${e.message}${col}${txt}${e.suggestion ? `; ${e.suggestion}` : ''}`;
}

/** the default experiment: the first-cycle protocol of [0178] (CC-CV charge at 0.1C to the cut-off with a
 * 0.02C end, CC discharge at 0.1C to 3 V), with the charge cut-off in the seed's 4.25–4.4 V window. */
export function firstCycleProtocol(chargeCutoff_V = 4.3, dischargeCutoff_V = 3.0): Experiment {
  if (!(chargeCutoff_V >= 4.25 && chargeCutoff_V <= 4.4)) {
    throw problem(
      'cycling.charge_cutoff_V',
      'must be within the [0178] window 4.25–4.4 V',
      String(chargeCutoff_V),
      '4.25–4.4',
    );
  }
  if (!(dischargeCutoff_V > 0 && dischargeCutoff_V < chargeCutoff_V)) {
    throw problem(
      'cycling.discharge_cutoff_V',
      'must be > 0 and below the charge cut-off',
      String(dischargeCutoff_V),
      `0 < V < ${chargeCutoff_V}`,
    );
  }
  const r = parseExperiment([
    [
      `Charge at 0.1C until ${fmt(chargeCutoff_V)} V`,
      `Hold at ${fmt(chargeCutoff_V)} V until 0.02C`,
      `Discharge at 0.1C until ${fmt(dischargeCutoff_V)} V`,
    ],
  ]);
  if (!r.ok) throw new Error(`internal: default protocol does not parse: ${r.errors.map(formatParseError).join('; ')}`);
  return r.value;
}

/** the [0178] protocol as experiment strings (for reports and the recipe default) */
export function firstCycleProtocolStrings(chargeCutoff_V = 4.3, dischargeCutoff_V = 3.0): string[] {
  return [
    `Charge at 0.1C until ${fmt(chargeCutoff_V)} V`,
    `Hold at ${fmt(chargeCutoff_V)} V until 0.02C`,
    `Discharge at 0.1C until ${fmt(dischargeCutoff_V)} V`,
  ];
}

// ───────────────────────────── canonical strings ─────────────────────────────

/** the canonical text of a termination ("4.2 V", "< 2.5 V", "0.05 A", "0.02C", "80% SOC", …) */
export function fmtTermination(t: Termination): string {
  const op = 'operator' in t && t.operator ? `${t.operator} ` : '';
  switch (t.kind) {
    case 'voltage':
      return `${op}${String(t.voltage_V)} V`;
    case 'current':
      return `${op}${String(t.current_A)} A`;
    case 'c_rate':
      return `${op}${String(t.c_rate)}C`;
    case 'soc':
      return `${String(toPct(t.soc))}% SOC`;
    case 'capacity':
      return `${String(toAh(t.charge_C))} Ah`;
    case 'specific_capacity':
      return `${String(toAhPerKg(t.charge_C_per_kg))} mAh/g`;
    case 'power':
      return `${String(t.power_W)} W`;
    case 'resistance':
      return `${String(t.resistance_ohm)} Ohm`;
    case 'plating':
      return 'Li plating';
  }
}

function fmtDuration(s: number): string {
  return `${String(s)} seconds`;
}

/**
 * The canonical string of a step (SI units, PyBaMM syntax where PyBaMM has one), e.g.
 * "Charge at 0.1C until 4.3 V then hold until 0.02C". parseStep(formatStep(x)) gives x back (but `text`).
 */
export function formatStep(s: StepAst): string {
  const c = s.control;
  let head: string;
  switch (c.mode) {
    case 'current':
      head = `${c.current_A >= 0 ? 'Charge' : 'Discharge'} at ${String(Math.abs(c.current_A))} A`;
      break;
    case 'c_rate':
      head = `${c.c_rate >= 0 ? 'Charge' : 'Discharge'} at ${String(Math.abs(c.c_rate))}C`;
      break;
    case 'power':
      head = `${c.power_W >= 0 ? 'Charge' : 'Discharge'} at ${String(Math.abs(c.power_W))} W`;
      break;
    case 'resistance':
      head = `Discharge at ${String(c.resistance_ohm)} Ohm`;
      break;
    case 'voltage':
      head = `Hold at ${String(c.voltage_V)} V`;
      break;
    case 'rest':
      head = 'Rest';
      break;
    case 'drive_cycle': {
      const q = c.quantity === 'c_rate' ? 'C-rate' : c.quantity;
      head = `Run drive cycle from ${/\s/.test(c.source) || /\sas\s/i.test(c.source) ? `"${c.source}"` : c.source} as ${q}`;
      break;
    }
  }
  const parts = [head];
  if (s.duration_s !== undefined) parts.push(`for ${fmtDuration(s.duration_s)}`);
  if (s.terminations.length)
    parts.push(`${s.duration_s !== undefined ? 'or ' : ''}until ${s.terminations.map(fmtTermination).join(' or ')}`);
  if (s.cv) {
    parts.push(`then hold at ${String(s.cv.voltage_V)} V`);
    if (s.cv.duration_s !== undefined) parts.push(`for ${fmtDuration(s.cv.duration_s)}`);
    if (s.cv.terminations.length)
      parts.push(
        `${s.cv.duration_s !== undefined ? 'or ' : ''}until ${s.cv.terminations.map(fmtTermination).join(' or ')}`,
      );
  }
  if (s.temperature_K !== undefined) parts.push(`at ${String(s.temperature_K)} K`);
  if (s.period_s !== undefined) parts.push(`(${fmtDuration(s.period_s)} period)`);
  return parts.join(' ');
}
