/**
 * The Battery Data Format's reference validator (battery-data-alliance/battery-data-format,
 * src/bdf/_validate.py `validate_df`, _time_scale.py), without Python: a table passes when its required
 * columns are present (Test Time / s, Voltage / V, Current / A — by preferred label, deprecated label,
 * notation or synonym, ./bdf-ontology.ts); non-canonical columns are reported and ignored; and the
 * warning-level checks of the derived columns are run as the reference runs them:
 *  - identities: cumulative = charging + discharging, net = charging − discharging (capacity and energy),
 *    np.isclose(rtol 1e-6, atol 1e-9 + 1e-7·scale);
 *  - monotonically non-decreasing cumulative, charging and discharging capacities and energies
 *    (drops below −(1e-9 + 1e-6·scale));
 *  - cycle count: non-negative, integer-valued, non-decreasing;
 *  - step record index: 1-based, +1 within a step, reset to 1;
 *  - Test Time / s and Step Time / s increments against Unix Time / s (median ratio within 5 %);
 *  - Test Time / s monotonic (drops beyond 0.1 × the median positive step).
 * rollcell's own CSVs must pass with no issue at all (`clean`).
 */
import { bdfRequiredLabels, resolveBdfHeader, bdfColumn } from './bdf-ontology.ts';
import { toHours, toMinutes } from '../units/index.ts';

export interface BdfReport {
  /** the required columns are present (the reference's `ok`) */
  readonly ok: boolean;
  readonly missing: readonly string[];
  /** non-canonical columns (ignored by BDF) */
  readonly extras: readonly string[];
  /** columns recognised through a synonym (accepted, with the reference's legacy-label warning) */
  readonly legacyLabels: readonly string[];
  /** the warning-level findings (derived columns, time) */
  readonly issues: readonly string[];
  /** ok and no issue */
  readonly clean: boolean;
}

/** numbers of a column (text cells and empty cells are NaN, as the reference's numeric coercion) */
export type BdfColumnValues = ArrayLike<number | string | null | undefined>;

function numeric(v: BdfColumnValues): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    out[i] = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
  }
  return out;
}

const IDENTITIES: [string, '+' | '-', string, string][] = [
  ['cumulative_capacity_ah', '+', 'charging_capacity_ah', 'discharging_capacity_ah'],
  ['net_capacity_ah', '-', 'charging_capacity_ah', 'discharging_capacity_ah'],
  ['cumulative_energy_wh', '+', 'charging_energy_wh', 'discharging_energy_wh'],
  ['net_energy_wh', '-', 'charging_energy_wh', 'discharging_energy_wh'],
];
const MONOTONIC = [
  'cumulative_capacity_ah',
  'cumulative_energy_wh',
  'charging_capacity_ah',
  'discharging_capacity_ah',
  'charging_energy_wh',
  'discharging_energy_wh',
];

const nanmaxAbs = (a: Float64Array): number => {
  let m = NaN;
  for (const x of a) if (Number.isFinite(x) && !(Math.abs(x) <= m)) m = Math.abs(x);
  return m;
};
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : 0.5 * (s[n / 2 - 1]! + s[n / 2]!);
}

const SCALES: [number, string][] = [
  [1e9, 'nanoseconds'],
  [1e6, 'microseconds'],
  [1e3, 'milliseconds'],
  [toMinutes(1), 'minutes'],
  [toHours(1), 'hours'],
];

/** _time_scale.detect_scale_mismatch: the median ratio of elapsed to wall-clock increments, when it is off */
function scaleMismatch(elapsed: Float64Array, wall: Float64Array): { ratio: number; unit?: string } | undefined {
  if (elapsed.length !== wall.length || elapsed.length < 11) return undefined;
  const r: number[] = [];
  for (let i = 1; i < elapsed.length; i++) {
    const de = elapsed[i]! - elapsed[i - 1]!;
    const dw = wall[i]! - wall[i - 1]!;
    if (Number.isFinite(de) && Number.isFinite(dw) && de > 0 && dw >= 0.5) r.push(de / dw);
  }
  if (r.length < 10) return undefined;
  const ratio = median(r);
  if (Math.abs(ratio - 1) <= 0.05) return undefined;
  for (const [f, unit] of SCALES) if (Math.abs(ratio - f) <= 0.05 * f) return { ratio, unit };
  return { ratio };
}

/** Validates a table (header and columns in the same order) as the BDF reference validator does. */
export function validateBdfTable(header: readonly string[], columns: readonly BdfColumnValues[]): BdfReport {
  const required = bdfRequiredLabels();
  const present = new Set<string>();
  const extras: string[] = [];
  const legacy: string[] = [];
  /** canonical name → values (the first column of each quantity) */
  const series = new Map<string, Float64Array>();
  header.forEach((h, k) => {
    const r = resolveBdfHeader(h);
    if (!r) {
      extras.push(h);
      return;
    }
    present.add(r.column.label);
    if (r.via === 'synonym') legacy.push(h);
    if (!series.has(r.column.name)) series.set(r.column.name, numeric(columns[k] ?? []));
  });
  const missing = required.filter((l) => !present.has(l));
  const issues: string[] = [];
  const n = header.length ? (columns[0]?.length ?? 0) : 0;
  // 1) identities
  for (const [t, op, a, b] of IDENTITIES) {
    const got = series.get(t);
    const A = series.get(a);
    const B = series.get(b);
    if (!got || !A || !B) continue;
    const exp = A.map((x, i) => (op === '+' ? x + B[i]! : x - B[i]!));
    let scale = 0;
    for (let i = 0; i < exp.length; i++)
      if (Number.isFinite(got[i]!) && Number.isFinite(exp[i]!)) scale = Math.max(scale, Math.abs(exp[i]!));
    let bad = 0;
    let worst = 0;
    for (let i = 0; i < exp.length; i++) {
      if (!(Number.isFinite(got[i]!) && Number.isFinite(exp[i]!))) continue;
      const d = Math.abs(got[i]! - exp[i]!);
      if (d > 1e-9 + 1e-7 * scale + 1e-6 * Math.abs(exp[i]!)) {
        bad++;
        worst = Math.max(worst, d);
      }
    }
    if (bad) issues.push(`'${t}' != ${a} ${op} ${b} in ${bad}/${n} rows (worst |Δ| = ${worst.toPrecision(4)}).`);
  }
  // 2) monotonic non-decreasing
  for (const name of MONOTONIC) {
    const v = series.get(name);
    if (!v || v.length < 2) continue;
    const scale = nanmaxAbs(v);
    const eps = 1e-9 + 1e-6 * (Number.isFinite(scale) ? scale : 0);
    let drops = 0;
    for (let i = 1; i < v.length; i++) if (v[i]! - v[i - 1]! < -eps) drops++;
    if (drops) issues.push(`'${name}' is not monotonically non-decreasing (${drops} drops).`);
  }
  // 3) cycle count
  const cc = series.get('cycle_count');
  if (cc) {
    const finite = Array.from(cc).filter(Number.isFinite);
    if (finite.length) {
      const neg = finite.filter((x) => x < 0).length;
      if (neg) issues.push(`'cycle_count' contains ${neg} negative values.`);
      if (!finite.every((x) => Math.abs(x - Math.round(x)) <= 1e-8 + 1e-5 * Math.abs(Math.round(x))))
        issues.push(`'cycle_count' contains non-integer values.`);
      let drops = 0;
      for (let i = 1; i < cc.length; i++) if (cc[i]! - cc[i - 1]! < 0) drops++;
      if (drops) issues.push(`'cycle_count' is not monotonically non-decreasing (${drops} drops).`);
    }
  }
  // 4) the step record index (or the deprecated step index)
  const counterName = series.has('step_record_index')
    ? 'step_record_index'
    : series.has('step_index')
      ? 'step_index'
      : undefined;
  if (counterName) {
    const v = series.get(counterName)!;
    const finite = Array.from(v).filter(Number.isFinite);
    if (finite.length) {
      const mn = Math.min(...finite);
      if (mn !== 1)
        issues.push(
          `'${counterName}' never equals 1 (min=${mn}); it looks like a program step identifier ` +
            '(Step ID / Arbin Step_Index / Digatron Step), not the 1-based within-step point counter.',
        );
      else if (v.length >= 2) {
        let bad = 0;
        for (let i = 1; i < v.length; i++) if (v[i]! - v[i - 1]! !== 1 && v[i] !== 1) bad++;
        if (bad) issues.push(`'${counterName}' has ${bad} transitions that neither increment by 1 nor reset to 1.`);
      }
    }
  }
  // 5) elapsed time vs wall clock
  const wall = series.get('unix_time_second');
  if (wall)
    for (const name of ['test_time_second', 'step_time_second']) {
      const v = series.get(name);
      if (!v) continue;
      const m = scaleMismatch(v, wall);
      if (m)
        issues.push(
          `'${name}' increments disagree with wall-clock ('unix_time_second') increments by ~${m.ratio.toPrecision(6)}x` +
            (m.unit ? `: values appear to be ${m.unit}, not seconds` : ' (no known unit matches this ratio)') +
            '.',
        );
    }
  // the test time itself: drops beyond 0.1 × the median positive step (a warning in the reference)
  const timeLabel = bdfColumn('test_time_second').label;
  const k = header.indexOf(timeLabel);
  if (k >= 0) {
    const t = numeric(columns[k] ?? []);
    const pos: number[] = [];
    for (let i = 1; i < t.length; i++) {
      const d = t[i]! - t[i - 1]!;
      if (d > 0) pos.push(d);
    }
    const eps = Math.max(1e-9, 0.1 * (pos.length ? median(pos) : 0));
    let drops = 0;
    for (let i = 1; i < t.length; i++) if (t[i]! - t[i - 1]! < -eps) drops++;
    if (drops) issues.push(`Non-monotonic '${timeLabel}' detected: ${drops} drops.`);
  }
  return {
    ok: missing.length === 0,
    missing,
    extras,
    legacyLabels: legacy,
    issues,
    clean: missing.length === 0 && issues.length === 0,
  };
}
