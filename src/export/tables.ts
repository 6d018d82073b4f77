/**
 * The tables a quality team opens (`rollcell runs export --what cells|cycles|series|spc`): fixed
 * columns with the unit in each name, one row per cell / cycle / series point / SPC subgroup. Pure:
 * stored records in, rows out (the CLI streams them from the store into CSV, JSON or XLSX).
 *
 * cells: one row per cell with its genealogy (rolls and their lots per sheet with the cell's MD
 * position on each roll, CD position, lane, station run, splice), every gauge and station reading
 * (per nip: time, force, temperature, infeed gauge), the incoming sheet thicknesses, the produced
 * stack, the figures, the verdict and its causes.
 */
import type { CellRecord, CycleRecord, TimeSeriesRecord } from '../store/types.ts';
import { genealogyOf } from '../store/records.ts';
import { SubgroupSeries, subgroupPoints } from '../process/production/spc.ts';
import { parseProduction } from '../process/production/config.ts';
import { problem } from '../problems.ts';
import { gaugeReading } from '../process/production/gauge.ts';
import { spcPointUm } from '../present/production.ts';
import { um } from '../units/index.ts';

export type Cell = string | number | boolean | null;
export type Row = Cell[];

export const EXPORT_WHATS = ['cells', 'cycles', 'series', 'spc'] as const;
export type ExportWhat = (typeof EXPORT_WHATS)[number];

const SHEETS = ['first_sheet', 'al_sheet', 'third_sheet'] as const;
const STATIONS = ['222', '236', '240'] as const;
const LAYERS = ['cathode', 'electrolyte', 'al', 'li', 'cu'] as const;

export const CELL_COLUMNS: readonly string[] = [
  'serial',
  'index',
  'lane',
  'row',
  'time_s',
  'station_run',
  'md_start_m',
  'md_end_m',
  'cd_start_mm',
  'cd_end_mm',
  'splice',
  ...SHEETS.flatMap((s) => [`${s}_rolls`, `${s}_lots`, `${s}_roll_md_start_m`, `${s}_roll_md_end_m`]),
  ...STATIONS.flatMap((s) => [
    `station_${s}_time_s`,
    `station_${s}_force_N`,
    `station_${s}_temperature_C`,
    `station_${s}_gauge_um`,
  ]),
  ...LAYERS.map((l) => `incoming_${l}_um`),
  'cell_thickness_um',
  'cathode_thickness_um',
  'separator_thickness_um',
  'anode_thickness_um',
  'free_li_um',
  'capacity_mAh',
  'specific_capacity_mAh_g',
  'energy_Wh',
  'crack_risk',
  'bonded',
  'defects',
  'speed_m_per_min',
  'in_spec',
  'verdict',
  'causes',
  'battery_serial',
];

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** one row per cell (columns CELL_COLUMNS); fields a record lacks are empty */
export function cellRow(c: CellRecord): Row {
  // typed fields; the guards (num, str, bool, obj, arr) stay: the store checks only its own columns of a record
  const g = genealogyOf(c);
  const stack = obj(c.stack);
  const incoming = obj(c.incoming_thickness_um);
  const parents = arr(g.parents).map(obj);
  const lots = obj(g.material_lots);
  const stations = arr(c.stations).map(obj);
  const out: Row = [
    c.serial,
    num(c.index),
    num(c.lane ?? g.lane),
    num(c.row),
    num(g.time_s),
    str(g.station_run),
    num(c.s_start_m),
    num(c.s_end_m),
    num(c.cd_start_mm),
    num(c.cd_end_mm),
    bool(g.splice),
  ];
  for (const s of SHEETS) {
    const ps = parents.filter((p) => p['sheet'] === s);
    out.push(
      ps.length ? ps.map((p) => String(p['roll_id'])).join('|') : null,
      arr(lots[s]).length ? arr(lots[s]).map(String).join('|') : null,
      ps.length ? num(ps[0]!['md_start_m']) : null,
      ps.length ? num(ps[ps.length - 1]!['md_end_m']) : null,
    );
  }
  for (const id of STATIONS) {
    const st = stations.find((x) => String(x['id']) === id);
    out.push(
      st ? num(st['time_s']) : null,
      st ? num(st['force_N']) : null,
      st ? num(st['temperature_C']) : null,
      st ? num(st['gauge_thickness_um']) : null,
    );
  }
  for (const l of LAYERS) out.push(num(incoming[l]));
  out.push(
    num(stack['cell_thickness_um'] ?? c.thickness_um),
    num(stack['cathode_thickness_um']),
    num(stack['separator_thickness_um']),
    num(stack['anode_thickness_um']),
    num(stack['free_li_um']),
    num(c.capacity_mAh),
    num(c.specific_capacity_mAh_g),
    num(c.energy_Wh),
    num(c.crack_risk),
    bool(c.bonded),
    num(c.defects),
    num(c.speed_m_per_min),
    bool(c.in_spec),
    c.verdict,
    arr(c.causes).map(String).join('|'),
    str(g.battery_serial),
  );
  return out;
}

export const CYCLE_COLUMNS: readonly string[] = [
  'cycle',
  'charge_Ah',
  'discharge_Ah',
  'coulombic_efficiency',
  'charge_Wh',
  'discharge_Wh',
  'resistance_mOhm',
  'cell_serial',
];

export function cycleRow(c: CycleRecord): Row {
  return [
    num(c.cycle),
    num(c.charge_Ah),
    num(c.discharge_Ah),
    num(c.coulombic_efficiency),
    num(c.charge_Wh),
    num(c.discharge_Wh),
    num(c['resistance_mOhm']),
    str(c.cell_serial),
  ];
}

/** series columns: the series' name, then the union of the stored column names in first-seen order */
export function seriesColumns(all: readonly TimeSeriesRecord[]): string[] {
  const cols: string[] = [];
  for (const s of all) for (const k of Object.keys(s.columns)) if (!cols.includes(k)) cols.push(k);
  return ['series', ...cols];
}

export function* seriesRows(s: TimeSeriesRecord, columns: readonly string[]): Generator<Row> {
  const data = columns.slice(1).map((k) => s.columns[k] ?? []);
  const n = Math.max(0, ...data.map((d) => d.length));
  for (let i = 0; i < n; i++) yield [s.name, ...data.map((d) => num(d[i]))];
}

export const SPC_COLUMNS: readonly string[] = [
  'lane',
  'quantity',
  'subgroup',
  'subgroup_size',
  'mean',
  'range',
  'xbar_center',
  'xbar_lcl',
  'xbar_ucl',
  'r_center',
  'r_lcl',
  'r_ucl',
  'ewma',
  'ewma_lcl',
  'ewma_ucl',
];

/**
 * X̄–R and EWMA charts of a run's production block as the block charts them: one row per lane and charted
 * subgroup (a long shift's chart is decimated to CHART_POINTS per lane: src/process/line.ts; `spcTable`
 * gives every subgroup)
 */
export function spcRows(output: unknown): Row[] {
  const spc = obj(obj(obj(output)['production'])['spc']);
  const size = num(spc['subgroup_size']);
  const rows: Row[] = [];
  for (const ln of arr(spc['lanes']).map(obj)) {
    const x = obj(ln['xbar']);
    const r = obj(ln['r']);
    const ch = obj(ln['charts']);
    const means = arr(ch['means']);
    const at = (k: string, i: number): number | null => num(arr(ch[k])[i]);
    // a long shift's chart is decimated: `subgroup` numbers its points
    const sub = arr(ch['subgroup']);
    for (let i = 0; i < means.length; i++)
      rows.push([
        num(ln['lane']),
        str(ln['quantity']),
        sub.length ? num(sub[i]) : i + 1,
        size,
        at('means', i),
        at('ranges', i),
        num(x['center']),
        num(x['lcl']),
        num(x['ucl']),
        num(r['center']),
        num(r['lcl']),
        num(r['ucl']),
        at('ewma', i),
        at('ewma_lcl', i),
        at('ewma_ucl', i),
      ]);
  }
  return rows;
}

/** whether a run's production block charts fewer subgroups than it has (a long shift's decimated chart) */
export function spcDecimated(output: unknown): boolean {
  const spc = obj(obj(obj(output)['production'])['spc']);
  return arr(spc['lanes']).some((ln) => arr(obj(obj(ln)['charts'])['subgroup']).length > 0);
}

/**
 * Every subgroup of a run's X̄–R and EWMA charts, one row per lane and subgroup (lane by lane), in memory
 * that grows by 16 B per subgroup, never with the cells' records. When the production block charts every
 * subgroup these are its rows (`spcRows`, and `cells` is not read); when its chart is decimated, the run's
 * stored cells (`cells`: pages in production order) are passed once through the production shift's own
 * SPC (SubgroupSeries, subgroupPoints: the same values in the same order, so the same means, ranges and
 * EWMA to the last bit; the X̄ and R limits are the block's). A lane whose stored cells do not give the
 * block's subgroup count is refused (the cells were not all stored).
 */
export async function* spcTable(
  output: unknown,
  productionRecipe: unknown,
  cells: () => AsyncIterable<readonly CellRecord[]>,
): AsyncGenerator<Row> {
  if (!spcDecimated(output)) {
    yield* spcRows(output);
    return;
  }
  const spc = obj(obj(obj(output)['production'])['spc']);
  const lanes = arr(spc['lanes']).map(obj);
  const P = parseProduction(productionRecipe ?? {});
  const n = num(spc['subgroup_size']) ?? P.spc.subgroup_size;
  const series = new Map<number, SubgroupSeries>();
  for (const ln of lanes) series.set(num(ln['lane']) ?? 0, new SubgroupSeries(n));
  for await (const page of cells())
    for (const c of page) {
      const sg = series.get(num(c.lane ?? genealogyOf(c).lane) ?? -1);
      if (!sg) continue;
      const g = arr(c.stations)
        .map(obj)
        .find((x) => String(x['id']) === '240')?.['gauge_thickness_um'];
      // the record's µm (6 significant digits) holds the gauge's reading, a multiple of its resolution: the
      // nearest multiple is the reading the run charted, to the bit
      if (typeof g === 'number' && Number.isFinite(g)) sg.push(gaugeReading(um(g)));
    }
  for (const ln of lanes) {
    const lane = num(ln['lane']) ?? 0;
    const sg = series.get(lane)!;
    const want = num(ln['subgroups']);
    if (sg.subgroups === 0 || (want !== null && sg.subgroups !== want))
      throw problem(
        `production.spc.lanes[${lane}]`,
        "the run's stored cells do not give its production block's subgroups",
        `${sg.subgroups} subgroups`,
        `${want} (a run whose every cell was stored)`,
      );
    const x = obj(ln['xbar']);
    const rr = obj(ln['r']);
    for (const p of subgroupPoints(sg, sg.limits(), P.spc.ewma_lambda, P.spc.ewma_L))
      yield [
        lane,
        str(ln['quantity']),
        p.g + 1,
        n,
        spcPointUm(p.mean),
        spcPointUm(p.range),
        num(x['center']),
        num(x['lcl']),
        num(x['ucl']),
        num(rr['center']),
        num(rr['lcl']),
        num(rr['ucl']),
        spcPointUm(p.ewma.z),
        spcPointUm(p.ewma.lcl),
        spcPointUm(p.ewma.ucl),
      ];
  }
}
