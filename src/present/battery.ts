/**
 * THE presenter of the battery: turns the pack run's typed SI result (src/battery/run.ts `runBattery`) into
 * the public `battery` block of `rollcell run --json` and `rollcell battery --json` (the output contract's
 * type, CONTRACT.md names, units in the names, 4–6 significant digits), its text summary, and the pack's
 * first-order band over the cells' first-cycle capacity. Nothing else converts battery results to external units.
 */
import type { BatteryBlock, CyclingBlock } from '../contract.ts';
import type { BatteryResult, CellFramesSI, LimitingCell, PackSeries } from '../battery/run.ts';
import { FORMATION_SETTLED, yearsToEolText } from '../battery/ageing-band.ts';
import { mV, toAh, toCelsius, toHours, toKWh, toPct, toUm, toWh } from '../units/index.ts';
import { sig } from './round.ts';
import { DERATING_COUNT_SHORT, DERATING_COUNT_WINDOW_V } from '../battery/pack.ts';

/** the rule of a counted derating, as the battery block states it */
const DERATING_COUNT_RULE =
  `a step on which the BMS delivered less than ${toPct(1 - DERATING_COUNT_SHORT)} % of the demand; per cell, ` +
  `such a step with the cell within ${DERATING_COUNT_WINDOW_V / mV(1)} mV of the limit`;

/** J → kWh */
/** Ω → mΩ */
const toMOhm = (r_ohm: number): number => r_ohm * 1e3;
/** m³ → L */
const toL = (v_m3: number): number => v_m3 * 1000;
/** a fraction → % */
const pct = (f: number): number => f * 100;

const stats = (x: readonly number[]): { mean: number; sigma: number; min: number; max: number } => {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const sigma = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, x.length - 1));
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { mean: sig(mean), sigma: sig(sigma), min: sig(min), max: sig(max) };
};

/** why the limiting cell limited the pack, as one sentence */
type GenealogyRecord = NonNullable<PackRunBlock['limiting_cell']['genealogy']>;

/** a production cell's genealogy as the block writes it (the cell record's units and 6 significant digits) */
function genealogyRecord(g: NonNullable<LimitingCell['genealogy']>): GenealogyRecord {
  return {
    parents: g.parents.map((q) => ({ sheet: q.sheet, roll_id: q.rollId, lot: q.lot, md_start_m: sig(q.mdStart_m) })),
    lane: g.lane,
    station_run: g.stationRun,
    time_s: sig(g.time_s),
    cathode_thickness_um: sig(toUm(g.cathodeThickness_m)),
    separator_thickness_um: sig(toUm(g.separatorThickness_m)),
    anode_thickness_um: sig(toUm(g.anodeThickness_m)),
    in_spec: g.inSpec,
  };
}

function limitingReason(c: LimitingCell, series: number): string {
  const groupAh = c.groupCapacities_C.map(toAh);
  const capPct = pct(c.capacityVsPackMean);
  const resPct = pct(c.resistanceVsPackMean);
  const parts: string[] = [];
  if (c.reachedFirst === null)
    parts.push('no cell reached a BMS limit; this is the cell with the lowest voltage at the end');
  else parts.push(`reached the ${c.reachedFirst} cell voltage limit first (${c.deratings} BMS deratings)`);
  parts.push(
    `its group ${c.group} holds ${groupAh[c.group]!.toFixed(3)} Ah (rank ${c.groupCapacityRank} of ${series}, 1 = ` +
      `smallest; string mean ${(groupAh.reduce((a, b) => a + b, 0) / series).toFixed(3)} Ah)`,
  );
  parts.push(
    `cell capacity ${capPct >= 0 ? '+' : ''}${capPct.toFixed(2)} % and resistance ${resPct >= 0 ? '+' : ''}${resPct.toFixed(2)} % vs the pack mean`,
  );
  const gen = c.genealogy ? genealogyRecord(c.genealogy) : undefined;
  if (gen)
    parts.push(
      `made on lane ${gen.lane}, station run ${gen.station_run}, from rolls ` +
        `${gen.parents.map((p) => `${p.roll_id} (${p.sheet}, lot ${p.lot}, ${p.md_start_m.toFixed(1)} m)`).join(', ')}` +
        `; cathode ${gen.cathode_thickness_um.toFixed(2)} µm, anode ${gen.anode_thickness_um.toFixed(2)}` +
        ` µm`,
    );
  return parts.join('; ');
}

type PackBlock = NonNullable<BatteryBlock['pack']>;
type ResultsBlock = NonNullable<BatteryBlock['results']>;
/** the output contract's `battery` block as a pack run fills it: every part of a run present */
export type PackRunBlock = BatteryBlock & {
  [
    K in
      'profile' | 'seed' | 'days' | 'cell_model' | 'pack' | 'results' | 'limiting_cell' | 'ageing' | 'series' | 'notes'
  ]-?: Exclude<BatteryBlock[K], undefined>;
};

/** Per-cell snapshots over the duty profile as the dashboard's pack heatmaps take them: frame f, cell k. */
export interface CellFrames {
  series: number;
  parallel: number;
  /** serial of each pack cell (production serial, or D-<n> for a design-spread cell) */
  serials: string[];
  time_s: number[];
  /** [frame][cell]: V to 5 digits, SOC in % and °C to 4 */
  voltage_V: number[][];
  soc_pct: number[][];
  temperature_C: number[][];
}

/** The pack's per-cell snapshots for the dashboard (V to 5 digits, SOC % and °C to 4). */
export function presentCellFrames(f: CellFramesSI): CellFrames {
  return {
    series: f.series,
    parallel: f.parallel,
    serials: f.serials,
    time_s: f.time_s,
    voltage_V: f.voltage_V.map((row) => row.map((v) => sig(v, 5))),
    soc_pct: f.soc.map((row) => row.map((x) => sig(pct(x), 4))),
    temperature_C: f.temperature_K.map((row) => row.map((T) => sig(toCelsius(T), 4))),
  };
}

/**
 * The pack's downsampled trace as the block's `series` (V and A to 5 digits, SOC and °C to 4). The cells' voltage
 * extremes take 6 digits: a derated cell sits at the BMS's target 0.05 mV inside its limit (4.29995 V, 3.00005 V),
 * exactly on a 5-digit rounding boundary, where any round-off flipped the shown value between 4.2999 and 4.3.
 */
export function presentPackSeries(s: PackSeries): PackRunBlock['series'] {
  return {
    time_s: s.time_s.map((t) => sig(t)),
    pack_voltage_V: s.packVoltage_V.map((v) => sig(v, 5)),
    pack_current_A: s.packCurrent_A.map((i) => sig(i, 5)),
    cell_voltage_min_V: s.cellVoltageMin_V.map((v) => sig(v, 6)),
    cell_voltage_max_V: s.cellVoltageMax_V.map((v) => sig(v, 6)),
    soc_min_pct: s.socMin.map((x) => sig(pct(x), 4)),
    soc_max_pct: s.socMax.map((x) => sig(pct(x), 4)),
    temperature_max_C: s.temperatureMax_K.map((T) => sig(toCelsius(T), 4)),
  };
}

/** The `battery` block of a pack run. */
export function presentBattery(b: BatteryResult): PackRunBlock {
  const p = b.pack;
  const d = b.duty;
  const lc = b.limitingCell;
  const pack: PackBlock = {
    series: p.series,
    parallel: p.parallel,
    cells: p.series * p.parallel,
    cell_source: p.cellSource,
    cell_layers: p.cellLayers,
    interconnect_resistance_mOhm: toMOhm(p.interconnect_ohm),
    voltage_min_V: sig(p.voltageMin_V),
    voltage_max_V: sig(p.voltageMax_V),
    nominal_voltage_V: sig(p.nominalVoltage_V, 5),
    in_seed_voltage_window_1_500_V: p.voltageMin_V >= 1 && p.voltageMax_V <= 500,
    capacity_nominal_Ah: sig(toAh(p.capacityNominal_C)),
    capacity_C3_Ah: sig(toAh(p.capacityC3_C)),
    energy_C3_kWh: sig(toKWh(p.energyC3_J)),
    mass_kg: sig(p.mass_kg),
    volume_L: sig(toL(p.volume_m3)),
    specific_energy_Wh_kg: sig(toWh(p.energyC3_J) / p.mass_kg, 5),
    energy_density_Wh_L: sig(toWh(p.energyC3_J) / toL(p.volume_m3), 5),
    cell_capacity_Ah: stats(p.cellCapacity_C.map(toAh)),
    cell_resistance_mOhm: stats(p.cellResistance_ohm.map(toMOhm)),
    c3_stopped_by_cell: p.c3StoppedByCell,
  };
  const results: ResultsBlock = {
    duration_h: sig(toHours(d.duration_s), 5),
    energy_out_kWh: sig(toKWh(d.energyOut_J)),
    energy_in_kWh: sig(toKWh(d.energyIn_J)),
    throughput_kWh: sig(toKWh(d.energyOut_J + d.energyIn_J)),
    round_trip_efficiency: d.roundTripEfficiency === null ? null : sig(d.roundTripEfficiency, 5),
    interconnect_loss_Wh: sig(toWh(d.interconnectLoss_J)),
    balancing_loss_Wh: sig(toWh(d.balancingLoss_J)),
    cell_voltage_min_V: sig(d.cellVoltageMin_V, 5),
    cell_voltage_max_V: sig(d.cellVoltageMax_V, 5),
    soc_spread_max_pct: sig(pct(d.socSpreadMax), 4),
    soc_spread_end_pct: sig(pct(d.socSpreadEnd), 4),
    temperature_max_C: d.temperatureMax_K === null ? null : sig(toCelsius(d.temperatureMax_K), 4),
    max_cell_c_rate: sig(d.maxCellCRate, 4),
    model_validity_c_rate: d.modelValidityCRate,
    deratings: {
      count: d.deratings.count,
      discharge: d.deratings.discharge,
      charge: d.deratings.charge,
      count_rule: DERATING_COUNT_RULE,
      energy_not_delivered_Wh: sig(toWh(d.deratings.energyNotDelivered_J)),
      first: d.deratings.first.map((x) => ({
        t_s: x.t_s,
        requested_W: x.requested_W === undefined ? null : sig(x.requested_W),
        delivered_W: x.delivered_W === undefined ? null : sig(x.delivered_W),
        requested_A: sig(x.requested_A),
        delivered_A: sig(x.delivered_A),
        cell: x.cell,
        limit: x.limit,
      })),
    },
    ...(d.ev
      ? {
          ev: {
            range_km: sig(d.ev.range_m / 1000, 5),
            cycles: d.ev.cycles,
            distance_per_cycle_km: sig(d.ev.distancePerCycle_m / 1000, 5),
            // J/m → Wh/km
            consumption_Wh_per_km: sig(toWh(d.ev.consumption_J_per_m * 1000), 5),
            stopped_by: d.ev.stoppedBy,
          },
        }
      : {}),
    conservation: {
      energy_balance_error_J: d.conservation.energyBalanceError_J,
      charge_balance_error_C: d.conservation.chargeBalanceError_C,
    },
    ...(d.notEvaluable
      ? {
          not_evaluable: {
            text: `not evaluable: ${d.notEvaluable.reason}`,
            t_s: d.notEvaluable.t_s,
            cell: d.notEvaluable.cell,
            serial: d.notEvaluable.serial,
            group: d.notEvaluable.group,
            current_A: sig(d.notEvaluable.current_A),
            reason: d.notEvaluable.reason,
          },
        }
      : {}),
  };
  const ag = b.ageing;
  const byYear = ag?.capacityByYear_C;
  return {
    profile: b.profile,
    seed: b.seed,
    days: b.days,
    cell_model: b.cellModel,
    pack,
    results,
    limiting_cell: {
      index: lc.index,
      group: lc.group,
      position_in_group: lc.positionInGroup,
      serial: lc.serial,
      limit: lc.limit,
      deratings: lc.deratings,
      capacity_Ah: sig(toAh(lc.capacity_C)),
      capacity_vs_pack_mean_pct: sig(pct(lc.capacityVsPackMean), 4),
      resistance_mOhm: sig(toMOhm(lc.resistance_ohm)),
      resistance_vs_pack_mean_pct: sig(pct(lc.resistanceVsPackMean), 4),
      group_capacity_Ah: sig(toAh(lc.groupCapacities_C[lc.group]!)),
      group_capacity_rank: lc.groupCapacityRank,
      reason: limitingReason(lc, p.series),
      ...(lc.genealogy ? { genealogy: genealogyRecord(lc.genealogy) } : {}),
    },
    ageing:
      ag && byYear
        ? {
            years: ag.years,
            equivalent_full_cycles_per_year: sig(ag.equivalentFullCyclesPerYear, 4),
            capacity_Ah_by_year: byYear.map((c) => sig(toAh(c), 5)),
            capacity_retention_pct_after_years: sig(
              ag.capacityAfterFormation_C > 0 ? pct(byYear[byYear.length - 1]! / ag.capacityAfterFormation_C) : 0,
              4,
            ),
            duty_rms_c_rate_max: sig(ag.dutyRmsCRateMax, 4),
            duty_peak_c_rate: sig(ag.dutyPeakCRate, 4),
            cell_temperature_under_load_max_C: sig(toCelsius(ag.cellTemperatureUnderLoadMax_K), 4),
            validity: { inside: ag.validity.inside, flags: [...ag.validity.flags] },
            years_to_end_of_life: ag.yearsToEndOfLife,
            end_of_life_retention_pct: sig(pct(ag.endOfLifeRetention), 4),
            retention_reference:
              ag.formationDays > 0
                ? `the pack's C/3 capacity after formation: ${ag.formationDays} days of the duty, over which the ` +
                  `cathode contact loss settles to ${pct(FORMATION_SETTLED)} % of its asymptote (as a datasheet's ` +
                  'rated capacity is measured after formation); the fresh-referenced figures are the *_vs_fresh fields'
                : "the pack's fresh C/3 capacity (no contact loss to settle)",
            formation_days: ag.formationDays,
            capacity_Ah_after_formation: sig(toAh(ag.capacityAfterFormation_C), 5),
            formation_loss_pct: sig(pct(1 - ag.capacityAfterFormation_C / byYear[0]!), 4),
            capacity_retention_pct_after_years_vs_fresh: sig(pct(byYear[byYear.length - 1]! / byYear[0]!), 4),
            years_to_end_of_life_vs_fresh:
              ag.yearsToEndOfLifeVsFresh === null ? null : sig(ag.yearsToEndOfLifeVsFresh, 4),
            band: ag.band && {
              ...ag.band,
              formation_loss_pct: { ...ag.band.formation_loss_pct },
              years_to_end_of_life: { ...ag.band.years_to_end_of_life },
              capacity_retention_pct_after_years: { ...ag.band.capacity_retention_pct_after_years },
              sensitivity: ag.band.sensitivity.map((q) => ({ ...q })),
            },
          }
        : null,
    series: presentPackSeries(b.series),
    notes: [...b.notes],
  };
}

/** The `rollcell battery` text summary of a battery block. */
export function batterySummaryText(b: BatteryBlock): string {
  const p = b.pack;
  const s = b.results;
  const lc = b.limiting_cell;
  if (!p || !s || !lc) return `battery: profile ${b.profile ?? '?'} (no pack results)`;
  const lines = [
    `battery ${p.series}s${p.parallel}p (${p.cells} ${p.cell_source} cells, ${p.cell_layers} ` +
      `layers each) — profile ${b.profile}, ${b.days} day(s), seed ${b.seed}`,
    `  pack: ${p.voltage_min_V}–${p.voltage_max_V} V (nominal ${p.nominal_voltage_V} V, seed ` +
      `window 1–500 V: ${p.in_seed_voltage_window_1_500_V ? 'inside' : 'OUTSIDE'}), ` +
      `${p.capacity_C3_Ah} Ah / ${p.energy_C3_kWh} kWh at C/3, ${p.mass_kg} kg, ${p.volume_L} L, ` +
      `${p.specific_energy_Wh_kg} Wh/kg, ${p.energy_density_Wh_L} Wh/L`,
    `  cells: capacity ${p.cell_capacity_Ah.mean} ± ${p.cell_capacity_Ah.sigma} Ah, resistance ` +
      `${p.cell_resistance_mOhm.mean} ± ${p.cell_resistance_mOhm.sigma} mΩ`,
  ];
  if (s.ev)
    lines.push(
      `  EV: range ${s.ev.range_km} km (${s.ev.cycles} cycles of ${s.ev.distance_per_cycle_km} ` +
        `km, ${s.ev.consumption_Wh_per_km} Wh/km; stopped: ${s.ev.stopped_by})`,
    );
  lines.push(
    `  energy out ${s.energy_out_kWh} kWh, in ${s.energy_in_kWh} kWh, round-trip efficiency ` +
      `${s.round_trip_efficiency === null ? 'undefined (no energy in or out)' : `${(s.round_trip_efficiency * 100).toFixed(2)} %`}` +
      `, interconnect loss ${s.interconnect_loss_Wh} Wh, balancing ${s.balancing_loss_Wh} Wh`,
    `  cell voltage ${s.cell_voltage_min_V}–${s.cell_voltage_max_V} V, SOC spread max ` +
      `${s.soc_spread_max_pct} % (end ${s.soc_spread_end_pct} %), peak ${s.max_cell_c_rate}C` +
      `${s.temperature_max_C !== null ? `, T max ${s.temperature_max_C} °C` : ''}`,
    `  BMS deratings: ${s.deratings.count} steps short of the demand by > ${pct(DERATING_COUNT_SHORT)} % (${s.deratings.discharge} at v_min, ` +
      `${s.deratings.charge} at v_max), ${s.deratings.energy_not_delivered_Wh} Wh not ` +
      `delivered/accepted`,
    `  limiting cell #${lc.index} (${lc.serial}): ${lc.reason}`,
  );
  const ne = s.not_evaluable;
  if (ne)
    lines.push(
      `  ${ne.text} — cell #${ne.cell} (${ne.serial}, group ${ne.group}) at t = ${ne.t_s} s, pack current ` +
        `${ne.current_A} A; the duty stopped there`,
    );
  const ag = b.ageing;
  if (ag)
    lines.push(
      `  after ${ag.years} years (${ag.equivalent_full_cycles_per_year} full ` +
        `cycles/yr): ${ag.capacity_Ah_by_year[ag.capacity_Ah_by_year.length - 1]} Ah (` +
        (ag.formation_days && ag.capacity_Ah_after_formation !== undefined
          ? `${ag.capacity_retention_pct_after_years} % of ${ag.capacity_Ah_after_formation} Ah after formation, ` +
            `${ag.capacity_retention_pct_after_years_vs_fresh} % of ${ag.capacity_Ah_by_year[0]} Ah fresh; ` +
            `formation loss ${ag.formation_loss_pct} % in ${ag.formation_days} days)`
          : `${ag.capacity_retention_pct_after_years} % of ${ag.capacity_Ah_by_year[0]} Ah)`),
    );
  if (ag?.band) lines.push(`  end of life: ${yearsToEolText(ag.band)}`);
  for (const n of b.notes ?? []) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

/**
 * The pack's energy and range with the band of the cell's first-cycle capacity (issue 16 item 5), to first
 * order: both scale with the cells' capacity (the same parameter uncertainty moves every cell), the duty's
 * losses and deratings held at their nominal share. A full propagation would rerun the pack per draw
 * (seconds each); this keeps the main job fast and says so. The ratio is the cycling block's (its
 * band as presented), so the pack's band and the cycling's band state the same ratio.
 */
export function presentPackBand(
  bat: {
    pack?: { energy_C3_kWh: number } | undefined;
    results?: { ev?: { range_km: number } | undefined } | undefined;
  },
  firstCycleBand: Pick<NonNullable<CyclingBlock['first_cycle_band']>, 'discharge_capacity_mAh_g'> | null | undefined,
): NonNullable<BatteryBlock['band']> | null {
  const cap = firstCycleBand?.discharge_capacity_mAh_g;
  if (!bat.pack || !cap || !(cap.nominal > 0)) return null;
  const lo = cap.low / cap.nominal;
  const hi = cap.high / cap.nominal;
  const scaled = (x: number): { nominal: number; low: number; high: number } => ({
    nominal: sig(x),
    low: sig(x * lo),
    high: sig(x * hi),
  });
  const ev = bat.results?.ev;
  return {
    method:
      "first order: the pack's energy and range scale with the cells' first-cycle capacity band " +
      '(cycling.first_cycle_band; duty losses and deratings held at their nominal share)',
    cell_capacity_ratio: { low: sig(lo), high: sig(hi) },
    energy_C3_kWh: scaled(bat.pack.energy_C3_kWh),
    ...(ev ? { range_km: scaled(ev.range_km) } : {}),
  };
}
