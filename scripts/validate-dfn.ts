/**
 * Validation of the liquid DFN against measurements on a real cell: the About:Energy 12.5 Ah
 * NMC111/graphite pouch cell, BPX parameters as published (nmc_pouch_cell_BPX.json) and five measured
 * discharges at 25 °C (C/20, C/2, 1C, 2C, drive cycle) — /work/shared/validation/about-energy-nmc.
 *
 *   node --import tsx scripts/validate-dfn.ts [--out out/validation] [--data <dir>] [--only 1C,2C] [--model dfn|spme|spm] [--thermal] [--soc-from-ocv] [--mesh-study]
 *
 * The model is driven by the measured current (piecewise-linear between samples) from rest at the BPX
 * initial state: State.Initial state-of-charge when the file has one, otherwise the fully charged end
 * of the BPX stoichiometry window (SOC = 1: negative at its maximum, positive at its minimum
 * stoichiometry — the convention of the BPX reader of PyBaMM). No parameter is fitted.
 * Thermal: isothermal at the BPX initial temperature by default. The BPX Validation section of this
 * file records 298.15 K throughout its C/20 and 1C discharges and the parameters were identified with an
 * isothermal DFN; `--thermal` switches on the lumped thermal model (BPX density, volume, heat capacity,
 * external area; the file has no heat-transfer coefficient, so h = 10 W/m²/K is assumed), which is
 * reported as a sensitivity: it raises the voltage at 1C/2C and moves the model away from the data.
 * `--soc-from-ocv` starts instead at the SOC whose OCV equals the first measured voltage.
 * `--mesh-study` runs every profile on a ladder of meshes (MESH_LADDER) and prints the RMSEs side by
 * side: the discretisation error of the figures.
 * Prints the voltage RMSE per profile (mV) and writes measured-vs-model SVG plots.
 *
 * Set-up compared with the reference run (About:Energy's validation notebook for this cell,
 * github.com/About-Energy-OpenSource/About-Energy-BPX-Parameterisation, NMC/validation-plots.ipynb:
 * PyBaMM DFN from ParameterValues.create_from_bpx with its default target_soc = 1, isothermal, 16
 * volumes per domain and particle with particles refined towards the surface, the measured current
 * interpolated linearly, RMSE over the measured samples; it prints 18.84 mV on the drive cycle):
 * the same initial state (SOC = 1 of the BPX window), the same conventions for every BPX 0.1 field
 * (see ../src/electrochem/bpx.ts; thermodynamic factor 1 and no contact resistance, as BPX 0.1 has
 * neither; electrode conductivity taken as effective), the same isothermal 298.15 K, the same RMSE.
 * Figures (mV, rtol 1e-6) — C/20, C/2, 1C, 2C, drive cycle:
 *   mesh 10/5/10 x, 10 r      15.96  12.41  13.59  24.52  19.03
 *   mesh 20/10/20 x, 20 r     15.92  12.36  13.42  24.50  18.83   (VALIDATION_MESH)
 *   mesh 40/20/40 x, 40 r     15.90  12.35  13.38  24.50  18.79
 *   mesh 80/40/80 x, 80 r     16.00  12.34  13.37  24.50  18.76   (rtol 1e-8: 15.92 12.34 13.37 24.50 18.79)
 * so the converged DFN with the BPX parameters as given sits at ≈ 15.9 / 12.34 / 13.37 / 24.50 /
 * 18.8 mV, the reference's level (its drive cycle: 18.84 mV; the data README quotes about 16 / 12 / 13 /
 * 25 / 19 mV). What is left is the error of the model with this parameter set, not discretisation:
 * at C/20 (almost no polarisation) the model is up to 17 mV below the data early in the discharge (OCV
 * and stoichiometry window), and in the middle of the discharge the model is above the data by 9, 18
 * and 40 mV at C/2, 1C and 2C (too little polarisation, growing with the current).
 * Choices that were checked and are not used because they have no basis in the BPX file or move the
 * model away from the data: starting from the measured rest voltage (--soc-from-ocv: 14.9 / 21.6 /
 * 25.3 / 31.8 / 26.4 mV; the parameters were identified from SOC = 1), the lumped thermal model
 * (--thermal: 15.9 / 11.1 / 21.9 / 74.4 / 19.8 mV; BPX 0.1 has no heat-transfer coefficient and the
 * set was identified isothermally).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseBpxText } from '../src/electrochem/bpx.ts';
import { createLiquidModel, parseProfileCsv, socAtOcv, type LiquidMesh } from '../src/electrochem/liquid/index.ts';
import { simulateCurrentProfile } from '../src/cycler/profile-drive.ts';

export interface ValidateDfnOptions {
  /** directory with nmc_pouch_cell_BPX.json and the NMC_25degC_*.csv files */
  dataDir?: string;
  /** directory for the SVG plots (not written when null) */
  out?: string | null;
  /** lumped thermal model (default false: isothermal, see the header) */
  thermal?: boolean;
  /** start at the SOC whose OCV equals the first measured voltage instead of the BPX initial state */
  socFromOcv?: boolean;
  mesh?: Partial<LiquidMesh>;
  /** the liquid model to validate (default 'dfn'; SPMe and SPM for comparison) */
  model?: 'dfn' | 'spme' | 'spm';
  rtol?: number;
  /** only these profiles (names as in PROFILES) */
  only?: readonly string[];
  log?: (line: string) => void;
}

export interface ValidationRow {
  profile: string;
  rmse_mV: number;
  goal_mV: number;
  /** fraction of the measured samples the model covered before its own cut-off */
  coverage: number;
  maxTemperatureRise_K: number;
  wall_ms: number;
}

export const PROFILES: ReadonlyArray<{ name: string; file: string; goal_mV: number }> = [
  { name: 'C/20', file: 'NMC_25degC_Co20.csv', goal_mV: 15 },
  { name: 'C/2', file: 'NMC_25degC_Co2.csv', goal_mV: 12 },
  { name: '1C', file: 'NMC_25degC_1C.csv', goal_mV: 13 },
  { name: '2C', file: 'NMC_25degC_2C.csv', goal_mV: 25 },
  { name: 'drive cycle', file: 'NMC_25degC_DriveCycle.csv', goal_mV: 19 },
];

const DEFAULT_DATA = '/work/shared/validation/about-energy-nmc';
/** mesh-converged for these data (finer meshes change the RMSEs by ≤ 0.05 mV; see the header and --mesh-study) */
export const VALIDATION_MESH: LiquidMesh = { negative: 20, separator: 10, positive: 20, particle: 20 };

/** meshes of --mesh-study, coarse to fine (each doubles the last) */
export const MESH_LADDER: readonly LiquidMesh[] = [
  { negative: 10, separator: 5, positive: 10, particle: 10 },
  VALIDATION_MESH,
  { negative: 40, separator: 20, positive: 40, particle: 40 },
];

/** RMSE per profile (rows) and mesh (columns) of MESH_LADDER, printed as a table */
export async function meshStudy(
  opts: Omit<ValidateDfnOptions, 'mesh' | 'out' | 'log'> = {},
  log: (line: string) => void = (s) => console.log(s),
): Promise<number[][]> {
  const cols: ValidationRow[][] = [];
  for (const mesh of MESH_LADDER) cols.push(await validateDfn({ ...opts, mesh, out: null, log: () => {} }));
  const label = (m: LiquidMesh): string => `${m.negative}/${m.separator}/${m.positive}x ${m.particle}r`;
  log(`${'profile'.padEnd(12)} ${MESH_LADDER.map((m) => label(m).padStart(15)).join(' ')}   (RMSE, mV)`);
  const table: number[][] = [];
  for (let i = 0; i < cols[0]!.length; i++) {
    const row = cols.map((c) => c[i]!.rmse_mV);
    table.push(row);
    log(`${cols[0]![i]!.profile.padEnd(12)} ${row.map((v) => v.toFixed(2).padStart(15)).join(' ')}`);
  }
  return table;
}

export async function validateDfn(opts: ValidateDfnOptions = {}): Promise<ValidationRow[]> {
  const dataDir = opts.dataDir ?? DEFAULT_DATA;
  const log = opts.log ?? ((s: string) => console.log(s));
  const params = parseBpxText(
    readFileSync(join(dataDir, 'nmc_pouch_cell_BPX.json'), 'utf8'),
    'nmc_pouch_cell_BPX.json',
  );
  const rows: ValidationRow[] = [];
  if (opts.out) mkdirSync(opts.out, { recursive: true });
  for (const prof of PROFILES) {
    if (opts.only && !opts.only.includes(prof.name)) continue;
    const csv = parseProfileCsv(readFileSync(join(dataDir, prof.file), 'utf8'), prof.file);
    const U = csv.U_V!;
    const model = createLiquidModel(params, {
      model: opts.model ?? 'dfn',
      thermal: opts.thermal ?? false,
      mesh: opts.mesh ?? VALIDATION_MESH,
    });
    const soc0 = opts.socFromOcv ? socAtOcv(params, U[0]!) : (params.initialSoc ?? 1);
    const t0 = performance.now();
    const sim = simulateCurrentProfile(model, csv, { soc0, rtol: opts.rtol ?? 1e-6, minVoltage_V: 2.0 });
    const wall = performance.now() - t0;
    // RMSE over the measured samples the model reached
    let s = 0;
    let m = 0;
    for (let i = 0; i < sim.t_s.length; i++) {
      const d = sim.V[i]! - U[i]!;
      s += d * d;
      m++;
    }
    const rmse = Math.sqrt(s / Math.max(m, 1)) * 1000;
    let Tmax = -Infinity;
    for (const T of sim.T_K) if (T > Tmax) Tmax = T;
    const row: ValidationRow = {
      profile: prof.name,
      rmse_mV: rmse,
      goal_mV: prof.goal_mV,
      coverage: m / csv.t_s.length,
      maxTemperatureRise_K: Number.isFinite(Tmax) ? Tmax - params.cell.initialTemperature_K : 0,
      wall_ms: wall,
    };
    rows.push(row);
    log(
      `${prof.name.padEnd(12)} RMSE ${rmse.toFixed(1).padStart(5)} mV  (goal ≤ ${prof.goal_mV} mV${rmse <= prof.goal_mV ? ', met' : ', NOT met'})  coverage ${(row.coverage * 100).toFixed(1)} %  ΔT_max ${row.maxTemperatureRise_K.toFixed(1)} K  ${sim.status}  ${wall.toFixed(0)} ms`,
    );
    if (opts.out) {
      const label =
        (opts.model ?? 'dfn') === 'dfn'
          ? 'DFN model'
          : `${(opts.model ?? '').toUpperCase().replace('SPME', 'SPMe')} model`;
      const svg = overlaySvg(
        `${params.title} — ${prof.name} (RMSE ${rmse.toFixed(1)} mV)`,
        csv.t_s,
        U,
        sim.t_s,
        sim.V,
        label,
      );
      const fname = `${opts.model ?? 'dfn'}-${prof.file.replace(/\.csv$/, '')}.svg`;
      writeFileSync(join(opts.out, fname), svg);
    }
  }
  return rows;
}

/** Hand-written SVG: measured vs model voltage over time, with axes, ticks, units and a legend. */
export function overlaySvg(
  title: string,
  tm: Float64Array,
  vm: Float64Array,
  ts: Float64Array,
  vs: Float64Array,
  modelLabel = 'DFN model',
): string {
  const W = 900;
  const H = 520;
  const L = 80;
  const Rr = 30;
  const Tp = 50;
  const B = 60;
  const useHours = tm[tm.length - 1]! > 3 * 3600;
  const tScale = useHours ? 1 / 3600 : 1 / 60;
  const tUnit = useHours ? 'h' : 'min';
  const tMax = Math.max(tm[tm.length - 1]!, ts[ts.length - 1] ?? 0) * tScale;
  let vMin = Infinity;
  let vMax = -Infinity;
  for (const arr of [vm, vs])
    for (const v of arr)
      if (Number.isFinite(v)) {
        if (v < vMin) vMin = v;
        if (v > vMax) vMax = v;
      }
  vMin = Math.floor(vMin * 10) / 10;
  vMax = Math.ceil(vMax * 10) / 10;
  const X = (t: number): number => L + ((t * tScale) / tMax) * (W - L - Rr);
  const Y = (v: number): number => Tp + ((vMax - v) / (vMax - vMin)) * (H - Tp - B);
  const path = (t: Float64Array, v: Float64Array): string => {
    const step = Math.max(1, Math.floor(t.length / 1500));
    let d = '';
    for (let i = 0; i < t.length; i += step) d += `${i === 0 ? 'M' : 'L'}${X(t[i]!).toFixed(1)},${Y(v[i]!).toFixed(1)}`;
    return d;
  };
  const niceStep = (range: number, n: number): number => {
    const raw = range / n;
    const p = 10 ** Math.floor(Math.log10(raw));
    return [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
  };
  let ticks = '';
  const xs = niceStep(tMax, 8);
  for (let t = 0; t <= tMax + 1e-9; t += xs) {
    const x = L + (t / tMax) * (W - L - Rr);
    ticks += `<line x1="${x.toFixed(1)}" y1="${H - B}" x2="${x.toFixed(1)}" y2="${H - B + 5}" stroke="#333"/><text x="${x.toFixed(1)}" y="${H - B + 20}" text-anchor="middle">${+t.toFixed(2)}</text>`;
    ticks += `<line x1="${x.toFixed(1)}" y1="${Tp}" x2="${x.toFixed(1)}" y2="${H - B}" stroke="#eee"/>`;
  }
  const ys = niceStep(vMax - vMin, 6);
  for (let v = Math.ceil(vMin / ys - 1e-9) * ys; v <= vMax + 1e-9; v += ys) {
    const y = Y(v);
    ticks += `<line x1="${L - 5}" y1="${y.toFixed(1)}" x2="${L}" y2="${y.toFixed(1)}" stroke="#333"/><text x="${L - 8}" y="${(y + 4).toFixed(1)}" text-anchor="end">${v.toFixed(2)}</text>`;
    ticks += `<line x1="${L}" y1="${y.toFixed(1)}" x2="${W - Rr}" y2="${y.toFixed(1)}" stroke="#eee"/>`;
  }
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${W / 2}" y="25" text-anchor="middle" font-size="15">${esc(title)}</text>
${ticks}
<rect x="${L}" y="${Tp}" width="${W - L - Rr}" height="${H - Tp - B}" fill="none" stroke="#333"/>
<path d="${path(tm, vm)}" fill="none" stroke="#1f77b4" stroke-width="2"/>
<path d="${path(ts, vs)}" fill="none" stroke="#d62728" stroke-width="1.5" stroke-dasharray="6,3"/>
<text x="${(L + W - Rr) / 2}" y="${H - 15}" text-anchor="middle">time (${tUnit})</text>
<text transform="translate(20,${(Tp + H - B) / 2}) rotate(-90)" text-anchor="middle">terminal voltage (V)</text>
<g transform="translate(${W - Rr - 200},${Tp + 15})"><rect x="-10" y="-12" width="200" height="48" fill="white" stroke="#999"/>
<line x1="0" y1="0" x2="30" y2="0" stroke="#1f77b4" stroke-width="2"/><text x="38" y="4">measured</text>
<line x1="0" y1="22" x2="30" y2="22" stroke="#d62728" stroke-width="1.5" stroke-dasharray="6,3"/><text x="38" y="26">${esc(modelLabel)} (rollcell)</text></g>
</svg>
`;
}

function argValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

// run as a script, or as part of `npm run validate` (scripts/validate.ts imports this file)
const isMain =
  process.argv[1] !== undefined &&
  (resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname) ||
    resolve(process.argv[1]) === resolve(new URL('./validate.ts', import.meta.url).pathname));
if (isMain) {
  const argv = process.argv.slice(2);
  const out = argValue(argv, '--out') ?? 'out/validation';
  const dataDir = argValue(argv, '--data') ?? DEFAULT_DATA;
  const only = argValue(argv, '--only');
  const model = argValue(argv, '--model');
  if (model !== undefined && model !== 'dfn' && model !== 'spme' && model !== 'spm')
    throw new Error(`--model: unknown model '${model}' (allowed dfn, spme, spm)`);
  if (argv.includes('--mesh-study')) {
    await meshStudy({
      dataDir,
      thermal: argv.includes('--thermal'),
      socFromOcv: argv.includes('--soc-from-ocv'),
      ...(model ? { model } : {}),
      ...(only ? { only: only.split(',') } : {}),
    });
    process.exit(0);
  }
  const rows = await validateDfn({
    out,
    dataDir,
    thermal: argv.includes('--thermal'),
    socFromOcv: argv.includes('--soc-from-ocv'),
    ...(model ? { model } : {}),
    ...(only ? { only: only.split(',') } : {}),
  });
  const met = rows.filter((r) => r.rmse_mV <= r.goal_mV).length;
  console.log(`${met}/${rows.length} goals met; plots in ${out}`);
}
