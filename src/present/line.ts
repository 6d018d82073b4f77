/**
 * THE presenter of the line: turns the typed SI `LineResult` of src/process/stations.ts into the public
 * `line` block of `rollcell run --json` (CONTRACT.md names, units in the names, 6-decimal rounding) and
 * the line's warnings into sentences. Nothing else converts line results to external units.
 */
import type { LineBlock, StationBlock } from '../contract.ts';
import type { CrackConfigResult } from '../process/cracking.ts';
import type { LineEvidence, LineResult, ProcessWarning, StationResult } from '../process/types.ts';
import type { VerdictDependence } from '../process/assumptions.ts';
import { toCelsius, toCm2PerS, toMm, toMPa, toUm } from '../units/index.ts';

/** 6 decimals in the block's own unit */
const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
/** the line block's rounding (6 decimals in the block's unit), for presenters that quote its figures */
export const lineRound = r6;

/** a verdict scan over an assumption, in the block's terms (SI values with their unit) */
function dependence(d: VerdictDependence): NonNullable<LineBlock['alloy_formed_depends_on']>[number] {
  const a = d.assumption;
  return {
    parameter: a.id,
    label: a.label,
    unit: a.unit,
    value: a.value,
    range: [a.range[0], a.range[1]],
    verdict_at_default: d.atDefault,
    flips_in_range: d.flips,
    flips_at: d.flipsAt,
    source: a.source,
  };
}

function stationBlock(s: StationResult, ev?: LineEvidence): StationBlock {
  const roll = s.roll;
  const li = roll.layers.find((l) => l.role === 'li');
  const al = roll.layers.find((l) => l.role === 'al');
  let solids = 0;
  let total = 0;
  for (const c of roll.layers) {
    if (c.mode !== 'compaction') continue;
    solids += c.thickness_out_m * (1 - c.porosity_out);
    total += c.thickness_out_m;
  }
  const b: StationBlock = {
    id: s.id,
    force_N: s.force_N,
    temperature_C: r6(toCelsius(s.temperature_K)),
    peak_pressure_MPa: r6(toMPa(roll.peakPressure_Pa)),
    bonded: s.bond.bonded,
    layers: roll.layers.map((l) => ({
      name: l.name,
      role: l.role,
      thickness_in_um: r6(toUm(l.thickness_in_m)),
      thickness_out_um: r6(toUm(l.thickness_out_m)),
      reduction_pct: r6(l.reduction * 100),
      yielded: l.yielded,
      deformation: l.mode,
      ...(l.mode === 'compaction'
        ? { porosity_in_pct: r6(l.porosity_in * 100), porosity_out_pct: r6(l.porosity_out * 100) }
        : {}),
    })),
    mean_pressure_MPa: r6(toMPa(roll.meanPressure_Pa)),
    contact_length_mm: r6(toMm(roll.contactLength_m)),
    contact_width_mm: r6(toMm(roll.contactWidth_m)),
    line_load_N_per_mm: r6(roll.lineLoad_N_per_m / 1e3),
    roll_flattening: r6(roll.flattening),
    nip_time_ms: r6(roll.nipTime_s * 1e3),
    reduction_pct: r6(roll.totalReduction * 100),
    porosity_after_pct: total > 0 ? r6((1 - solids / total) * 100) : null,
    bond_mechanism: s.bond.mechanism,
    bond_strength_MPa: r6(toMPa(s.bond.strength_Pa)),
    bond_index: r6(s.bond.index),
    al_reduction_pct: al ? r6(al.reduction * 100) : null,
    first_sheet_reduction_pct: r6(s.firstSheetReduction * 100),
    li_yields: li ? li.yielded : null,
    al_yields: al ? al.yielded : null,
    al_min_gauge_um: al && al.minGauge_m !== null ? r6(toUm(al.minGauge_m)) : null,
    al_face_friction: al ? r6(al.faceFriction) : null,
  };
  const f = s.alReduction;
  if (f) {
    b['al_reduction_1pct_force_N'] = f.force_N === null ? null : r6(f.force_N);
    b['al_reduction_1pct_line_load_N_per_mm'] = f.lineLoad_N_per_m === null ? null : r6(f.lineLoad_N_per_m / 1e3);
    if (f.note) b['al_reduction_1pct_note'] = f.note;
  }
  if (ev && (s.id === '236' || s.id === '240')) {
    const byMu = ev.alReduction.filter((x) => x.id === s.id);
    if (byMu.length)
      b['al_reduction_1pct_force_by_mu'] = byMu.map((x) => ({
        mu: x.mu,
        force_N: x.force_N === null ? null : r6(x.force_N),
      }));
    const nw = ev.narrowWeb.find((x) => x.id === s.id);
    if (nw) b['al_reduction_1pct_at_500N_web_below_mm'] = nw.webWidth_m === null ? null : r6(toMm(nw.webWidth_m));
  }
  return b;
}

function crackBlock(c: CrackConfigResult): LineBlock['crack']['sandwiched'] {
  return {
    risk: r6(c.risk),
    driving_ratio: r6(c.ratio),
    critical: c.critical,
    formation_ratio: r6(c.formationRatio),
    cycling_ratio: r6(c.cyclingRatio),
    energy_release_J_m2: r6(c.G_J_m2),
    toughness_J_m2: r6(c.Gamma_J_m2),
    stress_MPa: r6(toMPa(c.sigma_max_Pa)),
    mode: c.mode,
    Z: r6(c.Z),
    critical_extent: r6(c.critical_extent),
    crack_spacing_um: c.crack_spacing_m === null ? null : r6(toUm(c.crack_spacing_m)),
    crack_density_per_mm: r6(c.crack_density_per_m / 1e3),
    isolated_fraction: c.isolated_fraction,
  };
}

/** The public `line` block of a line result. */
export function presentLine(r: LineResult): LineBlock {
  const a = r.anode;
  const alloyed = a.complete_s !== null;
  return {
    stations: r.stations.map((s) => stationBlock(s, r.evidence)),
    anode: {
      thickness_um: r6(toUm(a.thickness_m)),
      li_diffusivity_cm2_s: toCm2PerS(a.diffusivity_m2_s),
      alloying_complete_s: a.complete_s === null ? -1 : r6(a.complete_s),
      free_li_um: r6(toUm(a.freeLi_m)),
      al_fractions: {
        Al: r6(a.alFractions.Al),
        LiAl: r6(a.alFractions.LiAl),
        Li3Al2: r6(a.alFractions.Li3Al2),
        Li9Al4: r6(a.alFractions.Li9Al4),
      },
      li_al_molar_ratio: a.liAlRatio === null ? null : r6(a.liAlRatio),
      alloying_extent: r6(a.extent),
      li_rich_extent: r6(a.liRichExtent),
      contact_fraction: r6(a.contactFraction),
      nip_liquid_fraction: r6(a.nipLiquidFraction),
      li_inventory_mol_m2: r6(a.liInventory_mol_m2),
      li_in_anode_mol_m2: r6(a.li_mol_m2),
      al_mol_m2: r6(a.al_mol_m2),
      peak_temperature_C: r6(toCelsius(a.peakTemperature_K)),
      peak_temperature_where: a.peakWhere,
      adiabatic_rise_K: r6(a.adiabaticRise_K),
      open_web_peak_C: a.openWebPeak_K === null ? null : r6(toCelsius(a.openWebPeak_K)),
      wound_at_once_peak_C: a.woundPeak_K === null ? null : r6(toCelsius(a.woundPeak_K)),
      reaction_heat_J_m2: r6(a.reactionHeat_J_m2),
      reaction_heat_full_J_m2: r6(a.reactionHeatFull_J_m2),
      extent_after: alloyed
        ? a.extentAfter.map((e) => ({
            where: e.where,
            extent: r6(e.extent),
            temperature_C: r6(toCelsius(e.temperature_K)),
          }))
        : [],
    },
    li_ledger: {
      supplied_mol_m2: r6(r.ledger.li.supplied_mol_m2),
      elongation: r6(r.ledger.li.elongation),
      in_anode_mol_m2: r6(r.ledger.li.anode_mol_m2),
      rejected_to_web_edges_mol_m2: r6(r.ledger.li.rejectedToEdges_mol_m2),
      on_roll_side_mol_m2: r6(r.ledger.li.onRollSide_mol_m2),
      edge_band_mm: r6(toMm(r.ledger.li.edgeBand_m)),
      edge_extrusion_mol_per_m: r6(r.ledger.li.edgeExtrusion_mol_per_m),
      entry_bead_mol_per_m: r6(r.ledger.li.entryBead_mol_per_m),
    },
    crack: {
      sandwiched: crackBlock(r.crack.sandwiched),
      free_standing: crackBlock(r.crack.free_standing),
      ...(r.evidence ? { claim2_depends_on: r.evidence.claim2DependsOn.map(dependence) } : {}),
    },
    ...(r.evidence ? { alloy_formed_depends_on: r.evidence.alloyFormedDependsOn.map(dependence) } : {}),
    warnings: r.warnings.map((w) => ({ code: w.code, message: warningText(w) })),
  };
}

const C1 = (K: number): string => toCelsius(K).toFixed(1);

/** One line warning as a sentence. */
export function warningText(w: ProcessWarning): string {
  switch (w.code) {
    case 'not_bonded':
      if (w.station === '240') return `station 240: ${w.mechanism} criterion not met (index ${w.index.toFixed(3)})`;
      if (w.station === '236')
        return `station 236: Al–${w.partner ?? 'electrolyte'} contact fraction ${w.index.toFixed(3)} below the lamination threshold`;
      return `station 222: electrolyte–cathode contact fraction ${w.index.toFixed(3)} below the lamination threshold`;
    case 'short_circuit':
      return 'Al sheet placed on the cathode layer: the Li–Al anode touches the cathode with no electrolyte between (claim 1 places it on the electrolyte)';
    case 'al_yields':
      return `station ${w.station}: the Al sheet yields (peak ${toMPa(w.peakPressure_Pa).toFixed(1)} MPa)`;
    case 'li_on_roll':
      return (
        'third sheet turned over: Li faces the roll (sticks to bare rolls) and Cu separates Li from ' +
        'Al — no prelithiation (claim 1 requires Li facing the Al)'
      );
    case 'li_melting':
      if (w.where === 'nip')
        return w.rejected_mol_m2 !== undefined && w.rejected_mol_m2 > 0
          ? `station 240 at ${C1(w.temperature_K)} °C > 180.5 °C: ` +
              `${((w.liquidFraction ?? 0) * 100).toFixed(1)} % of the free Li melts in the nip and is ` +
              `rejected at its inlet to the web edges (${w.rejected_mol_m2.toPrecision(3)} mol/m² of Li, not ` +
              `in the cells)`
          : `station 240 heated to ${C1(w.temperature_K)} °C > 180.5 °C (Li melting point); ` +
              `the nip does not deliver the latent heat to melt the Li before it leaves`;
      return (
        `line.downstream.temperature_C ${C1(w.temperature_K)} °C > 180.5 °C (Li melting point) ` +
        `${w.where === 'dwell' ? 'in the open web after station 240' : 'in the wound roll'}`
      );
    case 'li_melting_in_roll':
      return (
        `reaction heat raises the web to ${C1(w.peakTemperature_K)} °C in the ${w.where} ` +
        `(> 180.5 °C, Li melts; adiabatic rise ${w.adiabaticRise_K.toFixed(0)} K)`
      );
    case 'alloying_incomplete':
      return `alloying ${(w.extent * 100).toFixed(1)} % complete at the end of storage; complete after ${w.complete_s.toFixed(0)} s`;
    case 'no_alloying':
      return w.reason === 'not_bonded'
        ? 'Li–Al interface not bonded at station 240: no metallic contact, no prelithiation'
        : 'Cu between Li and Al: no prelithiation';
  }
}
