/**
 * THE presenter of the production shift: turns the typed, unrounded result of src/process/line.ts
 * `runProduction` (`ProductionShift`: counts, lengths in m, areas in m², times in s, OEE factors as fractions)
 * into the public `production` block of `rollcell run --json` (CONTRACT.md names, units in the names, 6
 * significant digits, the definitions as sentences), with the job's stops and the OEE note on unplanned stops.
 * The capability and the 240 gauge's SPC are in SI (m, C) and converted here (the SPC's chart points by
 * `spcPointUm`, which the SPC export applies to the points it recomputes from the stored cells).
 */
import type { ProductionBlock } from '../contract.ts';
import type { ProductionRun, ProductionStart, ShiftSpcLane } from '../process/line.ts';
import type { Production } from '../process/production/config.ts';
import type { CapacitySurrogate } from '../process/production/capacity.ts';
import type { TensionReport } from '../process/production/web.ts';
import type { Capability } from '../process/production/spc.ts';
import { toHours, toMAh, toMm, toMPa, toMPerMin, toUm } from '../units/index.ts';
import { sig } from './round.ts';

type SpcLane = NonNullable<ProductionBlock['spc']>['lanes'][number];
type CostByCategory = NonNullable<NonNullable<ProductionBlock['cost']>['by_category_usd_per_kWh']>;

/** whether the OEE counts unplanned stops: without them it is an upper bound (issue 12) */
export function unplannedStopsText(b: Production['breakdowns']): string {
  return b.mtbf_h > 0
    ? `on: MTBF ${b.mtbf_h} h, MTTR ${b.mttr_min} min (production.breakdowns)`
    : 'off (production.breakdowns.mtbf_h = 0): availability counts only splices and roll changes, so the OEE is an upper bound';
}

/** a lane's capability in the record's unit: `unit` converts the SI mean, σ and limits (Cp, Cpk, Ppk are ratios) */
function roundCap(c: Capability | null, unit: (x: number) => number): Capability | null {
  if (!c) return null;
  const o: Capability = {
    n: c.n,
    mean: sig(unit(c.mean)),
    sigma_within: sig(unit(c.sigma_within)),
    sigma_overall: sig(unit(c.sigma_overall)),
  };
  if (c.lsl !== undefined) o.lsl = sig(unit(c.lsl));
  if (c.usl !== undefined) o.usl = sig(unit(c.usl));
  if (c.cp !== undefined) o.cp = sig(c.cp);
  if (c.cpk !== undefined) o.cpk = sig(c.cpk);
  if (c.ppk !== undefined) o.ppk = sig(c.ppk);
  return o;
}

/**
 * The block's note on the model-parameter posterior behind the capacities: how many draws, from where, and
 * the spread of their utilisations (2.5/50/97.5 %).
 */
function parameterUncertainty(d: NonNullable<CapacitySurrogate['draws']>): {
  included: boolean;
  draws: number;
  source: string;
  utilisation_p2_5: number;
  utilisation_p50: number;
  utilisation_p97_5: number;
  note: string;
} {
  const u = Float64Array.from(d.utilisation).sort();
  const q = (f: number): number => u[Math.min(u.length - 1, Math.floor(f * u.length))]!;
  return {
    included: true,
    draws: u.length,
    source: d.source,
    utilisation_p2_5: sig(q(0.025)),
    utilisation_p50: sig(q(0.5)),
    utilisation_p97_5: sig(q(0.975)),
    note: 'each cell capacity uses a posterior draw of the fitted model parameters (seeded): the capacity distribution includes the parameter uncertainty',
  };
}

/**
 * a point of the gauge's SPC charts (a subgroup mean or range, an EWMA value or limit), m → µm as the block
 * writes it: unrounded, so that a point outside its EWMA limits stays outside in the export's rows
 */
export const spcPointUm = (x_m: number): number => toUm(x_m);

function spcLane(s: ShiftSpcLane): SpcLane {
  const ch = s.limits;
  const um = (x_m: number): number => sig(toUm(x_m));
  const entry: SpcLane = {
    lane: s.lane,
    quantity: 'gauge_240_thickness_um',
    subgroups: ch.subgroups,
    xbar: { center: um(ch.xbar.center), ucl: um(ch.xbar.ucl), lcl: um(ch.xbar.lcl) },
    r: { center: um(ch.r.center), ucl: um(ch.r.ucl), lcl: um(ch.r.lcl) },
    sigma_within_um: um(ch.sigma_within),
    xbar_r_out_of_control: s.xbarOutOfControl,
    western_electric: { ...s.westernElectric },
    ewma_out_of_control: s.ewmaOutOfControl,
  };
  const c = s.charts;
  if (c)
    entry['charts'] = c.all
      ? {
          means: c.means.map(spcPointUm),
          ranges: c.ranges.map(spcPointUm),
          ewma: c.ewma.map(spcPointUm),
          ewma_ucl: c.ewmaUcl.map(spcPointUm),
          ewma_lcl: c.ewmaLcl.map(spcPointUm),
        }
      : {
          // decimated: the full series is the cells' gauge readings (in the store)
          subgroup: c.subgroup,
          means: c.means.map(spcPointUm),
          ranges: c.ranges.map(spcPointUm),
          ewma: c.ewma.map(spcPointUm),
          ewma_ucl: c.ewmaUcl.map(spcPointUm),
          ewma_lcl: c.ewmaLcl.map(spcPointUm),
          decimated:
            `the lowest and highest subgroup mean of each run of ${Math.ceil(c.subgroups / Math.floor(c.maxPoints / 2))} ` +
            `subgroups (${c.means.length} of ${c.subgroups} points; at most ${c.maxPoints})`,
        };
  return entry;
}

/** whether a free Li foil could carry the third sheet's set tension, in the block's units and a sentence */
function freeLiBlock(f: TensionReport['freeLi']): NonNullable<ProductionBlock['tension']>['free_li'] {
  const liT = sig(toUm(f.liThickness_m));
  const maxFree = f.maxTension_N_per_m;
  const factor = f.overloadFactor;
  const T = f.requiredTension_N_per_m;
  return {
    li_thickness_um: liT,
    li_yield_MPa: toMPa(f.liYield_Pa),
    max_tension_N_per_m: sig(maxFree),
    required_tension_N_per_m: T,
    overload_factor: sig(factor),
    verdict:
      factor > 1
        ? `a free ${liT} µm Li foil could run at ≤ ${maxFree.toPrecision(3)} N/m (25 % of ` +
          `σ_y·t); the span needs ${T} N/m (${factor.toPrecision(3)}×): Li must ride on the ` +
          `${f.carrier} layer`
        : `a free Li foil could carry the set tension (${T} N/m ≤ ${maxFree.toPrecision(3)} N/m)`,
  };
}

/** The shift's `production` block (without the job's stops and OEE note: `presentProduction`). */
export function presentShift(run: ProductionRun): ProductionBlock {
  const s = run.shift;
  const set = run.config.line;
  const W = s.webWidth_m;
  const hours = toHours(s.planned_s);
  const totalEq = s.scrap.reduce((a, r) => a + r.cellEquivalents, 0);
  let cum = 0;
  const pareto = s.scrap.map((r) => {
    cum += r.cellEquivalents;
    return {
      cause: r.cause,
      cells: r.cells,
      cell_equivalents: sig(r.cellEquivalents),
      web_area_m2: sig(r.webArea_m2),
      share_pct: sig((100 * r.cellEquivalents) / totalEq),
      cumulative_pct: sig((100 * cum) / totalEq),
    };
  });
  const { availability, performance, quality } = s.oee;
  const tension = run.tension;
  const cost = run.cost;
  const capModel = run.capacity;
  const gv = s.spc.gaugeVariance;
  const sur = s.surrogate;
  return {
    cells_total: s.cellsTotal,
    cells_in_spec: s.cellsInSpec,
    cells_out_of_spec: s.cellsTotal - s.cellsInSpec,
    yield_pct: s.cellsTotal > 0 ? sig((100 * s.cellsInSpec) / s.cellsTotal) : 0,
    material_yield_pct: s.webLength_m > 0 ? sig((100 * s.goodArea_m2) / (s.webLength_m * W)) : 0,
    seed: s.seed,
    duration_s: sig(s.planned_s),
    web_length_m: sig(s.webLength_m),
    speed_m_per_min: set.speed_m_per_min,
    lanes: s.lanes,
    rows: s.rows,
    cell_format_mm: { width: set.cell_width_mm, length: set.cell_length_mm },
    scrap_by_cause: pareto,
    out_of_spec_causes: Object.fromEntries(s.outOfSpecCauses.map((c) => [c.cause, c.cells])),
    web_accounting: {
      web_length_m: sig(s.webLength_m),
      cell_rows_m: sig(s.cellRows_m),
      splice_zones_m: sig(s.spliceZones_m),
      restart_zones_m: sig(s.restartZones_m),
      fragments_m: sig(s.fragments_m),
      web_width_mm: set.web_width_mm,
      lanes_width_mm: sig(s.lanes * set.cell_width_mm),
      edge_trim_mm: sig(toMm(W - s.lanes * s.cellWidth_m)),
      edge_trim_m2: sig(s.edgeTrim_m2),
    },
    throughput: {
      cells_per_h: sig(s.cellsTotal / hours),
      good_cells_per_h: sig(s.cellsInSpec / hours),
      m2_per_h: sig(s.goodArea_m2 / hours),
      kWh_per_h: sig(s.goodEnergy_kWh / hours),
      good_energy_kWh: sig(s.goodEnergy_kWh),
    },
    oee: {
      availability: sig(availability),
      performance: sig(performance),
      quality: sig(quality),
      oee: sig(availability * performance * quality),
      definition:
        'A = running time / planned time; P = web length / (set speed × running time); Q = good ' +
        'cells / (lanes × web length / cell length) — A·P·Q = good cells / ideal cells (Nakajima ' +
        '1988)',
    },
    events: {
      splices: s.events.splices,
      stops: s.events.stops,
      station_runs: s.events.stationRuns,
      downtime_s: sig(s.events.downtime_s),
      rolls_used: { ...s.events.rollsUsed },
    },
    spc: {
      subgroup_size: s.spc.subgroupSize,
      constants_source: 'Montgomery, Introduction to SQC 7th ed., App. VI; ASTM MNL 7A',
      lanes: s.spc.lanes.map(spcLane),
      gauge_240_variance: gv
        ? {
            sigma_total_um: sig(toUm(Math.sqrt(gv.cdVariance + gv.mdVariance))),
            sigma_cd_um: sig(toUm(Math.sqrt(gv.cdVariance))),
            sigma_md_and_residual_um: sig(toUm(Math.sqrt(gv.mdVariance))),
            mean_um: sig(toUm(gv.mean)),
          }
        : null,
    },
    capability: s.capability.map((c) => ({
      lane: c.lane,
      cell_thickness_um: roundCap(c.cellThickness, toUm),
      anode_thickness_um: roundCap(c.anodeThickness, toUm),
      capacity_mAh: roundCap(c.capacity, toMAh),
    })),
    tension: {
      spans: tension.spans.map((x) => ({
        span: x.span,
        tension_N_per_m: x.tension_N_per_m,
        elastic_limit_N_per_m: x.elasticLimit_N_per_m === null ? null : sig(x.elasticLimit_N_per_m),
        utilisation: x.utilisation === null ? null : sig(x.utilisation),
        ok: x.ok,
      })),
      free_li: freeLiBlock(tension.freeLi),
    },
    cost_per_kWh: cost.cost_per_kWh === null ? null : sig(cost.cost_per_kWh),
    cost: {
      currency: cost.currency,
      by_category_usd_per_kWh:
        cost.by_category_usd_per_kWh &&
        (Object.fromEntries(
          Object.entries(cost.by_category_usd_per_kWh).map(([k, v]) => [k, sig(v)]),
        ) as CostByCategory),
      assumptions: cost.assumptions,
    },
    physics_model: sur
      ? {
          fidelity: 'linear',
          calibration_calls: sur.calls,
          bonded_varies_in_box: sur.bondedVaries,
          steps: sur.steps.map((x) => ({ name: x.name, step: sig(x.step) })),
          error_vs_full: {
            ...sur.errorVsFull,
            cell_thickness_max_rel: sig(sur.errorVsFull.cell_thickness_max_rel),
            anode_thickness_max_rel: sig(sur.errorVsFull.anode_thickness_max_rel),
            crack_risk_max_abs: sig(sur.errorVsFull.crack_risk_max_abs),
          },
        }
      : { fidelity: 'full' },
    capacity_model: {
      kind: capModel.kind,
      utilisation: sig(capModel.utilisation),
      calibration_cells: capModel.calibration_cells,
      calibration_max_rel_error: sig(capModel.calibration_max_rel_error),
      ...(capModel.draws ? { parameter_uncertainty: parameterUncertainty(capModel.draws) } : {}),
    },
    line_data: s.lineData ? { rows: s.lineData.rows, stations: [...s.lineData.stations] } : null,
  };
}

/** The job's `production` block: the shift's block with its stops and the OEE's note on unplanned stops. */
export function presentProduction(run: ProductionRun): ProductionBlock {
  const b = presentShift(run);
  return {
    ...b,
    ...(b.oee ? { oee: { ...b.oee, unplanned_stops: unplannedStopsText(run.config.production.breakdowns) } } : {}),
    stops: run.timeline.stops.map((s) => ({ cause: s.cause, t0_s: sig(s.t0_s), t1_s: sig(s.t1_s), s_m: sig(s.s_m) })),
  };
}

/** What a run knows before its first cell, for live views: the line's set speed and cell length in the recipe's units. */
export function presentProductionStart(info: ProductionStart): {
  planned_s: number;
  lanes: number;
  speed_m_per_min: number;
  cell_length_mm: number;
  stops: { cause: string; t0_s: number; t1_s: number }[];
} {
  return {
    planned_s: info.planned_s,
    lanes: info.lanes,
    speed_m_per_min: sig(toMPerMin(info.speed_m_s)),
    cell_length_mm: sig(toMm(info.cellLength_m)),
    stops: info.stops.map((s) => ({ cause: s.cause, t0_s: s.t0_s, t1_s: s.t1_s })),
  };
}
