/**
 * The public JSON of `rollcell run --json` (../shared/CONTRACT.md, docs/CONTRACT.md) as ONE zod schema:
 * it gives the TypeScript types (`RunOutput`, `LineBlock`, …), the runtime check (`runOutputSchema`,
 * `checkRunOutput`) and the JSON Schema (`rollcell schema --output`, the server's OpenAPI document).
 * The recipe's schema (src/recipe/schema.ts) does the same for the input.
 *
 * Every name the contract lists is typed here with its unit in the name and its range where it has one
 * (a `risk` in [0, 1], `al_fractions` in [0, 1]). Every level is closed: a new block or a new field must be
 * added here (and to docs/CONTRACT.md) before a run may write it — CONTRACT.md's "add freely" means add
 * it here — and the types the presenters (src/present/) build are these, so tsc refuses a field that is
 * not named. Never rename or remove a field without a deprecation note in the README.
 */
import { z } from 'zod';
import type { LayerRole } from './recipe/layers.ts';

export type { LayerRole };

/** The layer roles (src/recipe/layers.ts `LayerRole`, checked both ways below). */
const LAYER_ROLES = ['cathode', 'electrolyte', 'collector', 'al', 'carrier', 'li', 'conductor', 'anode'] as const;
type RoleEnum = (typeof LAYER_ROLES)[number];
// both directions: the enum and LayerRole must name the same roles
const _rolesCover: LayerRole extends RoleEnum ? (RoleEnum extends LayerRole ? true : never) : never = true;
void _rolesCover;

const num = z.number().describe('a finite number');
const unit01 = z.number().gte(0).lte(1);
const nonneg = z.number().gte(0);
const int = z.number().int();
const count = z.number().int().gte(0);
const str = z.string();
const bool = z.boolean();
/** a number the run could not produce is null (never NaN), with a reason beside it */
const numOrNull = num.nullable();
/** a figure with its band over the uncertain inputs */
const band3 = z.strictObject({ nominal: num, low: num, high: num });
/** an uncertain input of a band (src/verdicts.ts AssumedParameter) */
const assumedParameter = z.strictObject({
  id: str,
  description: str,
  unit: str,
  nominal: num,
  range: z.array(num).length(2),
  source: str,
});
/** what a verdict depends on: an assumption, its range, and whether the verdict flips inside it */
const dependence = z.strictObject({
  parameter: str,
  label: str,
  unit: str,
  value: num,
  range: z.array(num).length(2),
  verdict_at_default: bool,
  flips_in_range: bool,
  flips_at: numOrNull,
  source: str,
});

/*
 * Every block is closed (zod `strictObject`): a field a run writes must be named here first (and in
 * docs/CONTRACT.md), and the schema test refuses any other. Objects keyed by data (a scrap cause, a sheet,
 * a cost category) are records over an enumerated key set.
 */

export const designSchema = z
  .strictObject({
    cell: z
      .strictObject({
        thickness_um: nonneg,
        area_cm2: nonneg,
        mass_g: nonneg,
        capacity_mAh: nonneg.optional(),
        energy_Wh: nonneg.optional(),
        average_voltage_V: num.optional(),
        layers: z
          .array(
            z.strictObject({
              name: str,
              role: str,
              material: str,
              thickness_um: nonneg,
              areal_mass_mg_cm2: nonneg,
              porosity_pct: nonneg,
            }),
          )
          .optional(),
      })
      .describe('the cell as designed: stack thickness, electrode area, mass'),
    cathode: z.strictObject({
      active_mass_mg_cm2: nonneg,
      areal_capacity_mAh_cm2: nonneg,
      theoretical_areal_capacity_mAh_cm2: nonneg.optional(),
      thickness_um: nonneg.optional(),
      composite_density_g_cm3: nonneg.optional(),
      volume_fractions: z
        .strictObject({
          active: unit01,
          electrolyte: unit01,
          conductive: unit01,
          binder: unit01,
          pores: unit01,
        })
        .optional(),
    }),
    anode: z.strictObject({
      al_thickness_um: nonneg,
      li_thickness_um: nonneg,
      li_al_molar_ratio: nonneg,
      al_host_capacity_mAh_cm2: nonneg.optional(),
      remaining_host_capacity_mAh_cm2: num.optional(),
      li_inventory_mAh_cm2: nonneg.optional(),
      design_potential_V: num.optional(),
    }),
    np_ratio: nonneg.describe('N/P ratio: anode over cathode areal capacity'),
    np_ratio_empty_al_host: nonneg.optional(),
    specific_energy_Wh_kg: nonneg,
    energy_density_Wh_L: nonneg,
    stack: z
      .strictObject({
        cells: count,
        energy_Wh: nonneg,
        mass_g: nonneg,
        specific_energy_Wh_kg: nonneg,
        energy_density_Wh_L: nonneg,
      })
      .optional(),
  })
  .describe('the cell as designed from the recipe (before the line)');

export const stationLayerSchema = z.strictObject({
  name: z.string(),
  role: z
    .enum(LAYER_ROLES)
    .optional()
    .describe('what the layer is: cathode, electrolyte, collector, al, carrier, li, conductor, anode'),
  thickness_in_um: nonneg,
  thickness_out_um: nonneg,
  reduction_pct: num.optional(),
  yielded: bool.optional(),
  deformation: str.describe('how the layer deforms in the nip: compaction, creep, hollomon, liquid, …').optional(),
  porosity_in_pct: nonneg.optional(),
  porosity_out_pct: nonneg.optional(),
});

export const stationSchema = z.strictObject({
  id: z.enum(['222', '236', '240']),
  force_N: num,
  temperature_C: num,
  peak_pressure_MPa: nonneg,
  bonded: z.boolean(),
  layers: z.array(stationLayerSchema),
  mean_pressure_MPa: nonneg.optional(),
  contact_length_mm: nonneg.optional(),
  contact_width_mm: nonneg.optional(),
  line_load_N_per_mm: nonneg.optional(),
  roll_flattening: num.optional(),
  nip_time_ms: nonneg.optional(),
  reduction_pct: num.optional(),
  porosity_after_pct: numOrNull.optional(),
  bond_mechanism: str.optional(),
  bond_strength_MPa: num.optional(),
  bond_index: num.optional(),
  al_reduction_pct: numOrNull.optional(),
  first_sheet_reduction_pct: num.optional(),
  li_yields: bool.nullable().optional(),
  al_yields: bool.nullable().optional(),
  al_min_gauge_um: numOrNull.optional(),
  al_face_friction: numOrNull.optional(),
  al_reduction_1pct_force_N: numOrNull.optional(),
  al_reduction_1pct_line_load_N_per_mm: numOrNull.optional(),
  al_reduction_1pct_note: str.optional(),
  al_reduction_1pct_force_by_mu: z.array(z.strictObject({ mu: num, force_N: numOrNull })).optional(),
  al_reduction_1pct_at_500N_web_below_mm: numOrNull.optional(),
});

const crackSchema = z.strictObject({
  risk: unit01.describe('probability-like, or driving force over resistance capped at 1'),
  driving_ratio: nonneg.optional(),
  critical: str.optional(),
  formation_ratio: nonneg.optional(),
  cycling_ratio: nonneg.optional(),
  energy_release_J_m2: nonneg.optional(),
  toughness_J_m2: nonneg.optional(),
  stress_MPa: num.optional(),
  mode: str.optional(),
  Z: num.optional(),
  critical_extent: num.optional(),
  crack_spacing_um: numOrNull.optional(),
  crack_density_per_mm: nonneg.optional(),
  isolated_fraction: unit01.optional(),
});

export const lineSchema = z
  .strictObject({
    stations: z.array(stationSchema),
    anode: z.strictObject({
      thickness_um: nonneg,
      li_diffusivity_cm2_s: nonneg,
      alloying_complete_s: z
        .union([z.literal(-1), nonneg])
        .describe('time to complete alloying, s; -1 when it does not complete'),
      free_li_um: nonneg.describe('thickness of Li metal left unalloyed (0 when all Li reacted)'),
      al_fractions: z
        .strictObject({ Al: unit01, LiAl: unit01, Li3Al2: unit01, Li9Al4: unit01 })
        .describe("fraction of the anode's Al atoms in each phase (α-Al counted as Al), summing to 1"),
      li_al_molar_ratio: numOrNull.optional(),
      alloying_extent: num.optional(),
      li_rich_extent: num.optional(),
      contact_fraction: unit01.optional(),
      nip_liquid_fraction: unit01.optional(),
      li_inventory_mol_m2: nonneg.optional(),
      li_in_anode_mol_m2: nonneg.optional(),
      al_mol_m2: nonneg.optional(),
      peak_temperature_C: num.optional(),
      peak_temperature_where: str.optional(),
      adiabatic_rise_K: num.optional(),
      open_web_peak_C: numOrNull.optional(),
      wound_at_once_peak_C: numOrNull.optional(),
      reaction_heat_J_m2: num.optional(),
      reaction_heat_full_J_m2: num.optional(),
      extent_after: z.array(z.strictObject({ where: str, extent: num, temperature_C: num })).optional(),
    }),
    li_ledger: z
      .strictObject({
        supplied_mol_m2: nonneg,
        elongation: num,
        in_anode_mol_m2: nonneg,
        rejected_to_web_edges_mol_m2: nonneg,
        on_roll_side_mol_m2: nonneg,
        edge_band_mm: nonneg,
        edge_extrusion_mol_per_m: nonneg,
        entry_bead_mol_per_m: nonneg,
      })
      .optional(),
    crack: z.strictObject({
      sandwiched: crackSchema,
      free_standing: crackSchema,
      claim2_depends_on: z.array(dependence).optional(),
    }),
    alloy_formed_depends_on: z.array(dependence).optional(),
    warnings: z.array(z.strictObject({ code: str, message: str })).optional(),
  })
  .describe('the line: stations 222 → 236 → 240, the prelithiated anode, cracking');

/**
 * why a cell is out of spec (src/process/line.ts ScrapCause), in priority order: a cell's primary cause is the
 * first of its causes in this list
 */
export const SCRAP_CAUSES = [
  'physically_impossible',
  'splice',
  'defect',
  'not_bonded',
  'crack_risk',
  'cell_thickness_high',
  'cell_thickness_low',
  'anode_thickness_high',
  'anode_thickness_low',
  'capacity_low',
  'specific_capacity_low',
] as const;
const SCRAP_ROWS = [...SCRAP_CAUSES, 'splice_zone', 'restart_zone', 'fragment', 'edge_trim'] as const;
const SHEETS = ['first_sheet', 'al_sheet', 'third_sheet'] as const;
const capabilitySchema = z
  .strictObject({
    n: count,
    mean: num,
    sigma_within: num,
    sigma_overall: num,
    lsl: num.optional(),
    usl: num.optional(),
    cp: num.optional(),
    cpk: num.optional(),
    ppk: num.optional(),
  })
  .nullable();
const controlLimits = z.strictObject({ center: num, ucl: num, lcl: num });

export const productionSchema = z
  .strictObject({
    cells_total: z.number().int().gte(0),
    cells_in_spec: z.number().int().gte(0),
    cells_out_of_spec: count.optional(),
    yield_pct: z.number().gte(0).lte(100),
    material_yield_pct: z.number().gte(0).lte(100).optional(),
    seed: num.optional(),
    duration_s: nonneg.optional(),
    web_length_m: nonneg.optional(),
    speed_m_per_min: nonneg.optional(),
    lanes: count.optional(),
    rows: count.optional(),
    cell_format_mm: z.strictObject({ width: nonneg, length: nonneg }).optional(),
    scrap_by_cause: z
      .array(
        z.strictObject({
          cause: z.enum(SCRAP_ROWS),
          cells: count,
          cell_equivalents: nonneg,
          web_area_m2: nonneg,
          share_pct: nonneg,
          cumulative_pct: nonneg,
        }),
      )
      .optional(),
    out_of_spec_causes: z.partialRecord(z.enum(SCRAP_CAUSES), count).optional(),
    web_accounting: z
      .strictObject({
        web_length_m: nonneg,
        cell_rows_m: nonneg,
        splice_zones_m: nonneg,
        restart_zones_m: nonneg,
        fragments_m: nonneg,
        web_width_mm: nonneg,
        lanes_width_mm: nonneg,
        edge_trim_mm: num,
        edge_trim_m2: num,
      })
      .optional(),
    throughput: z
      .strictObject({
        cells_per_h: num,
        good_cells_per_h: num,
        m2_per_h: num,
        kWh_per_h: num,
        good_energy_kWh: num,
      })
      .optional(),
    oee: z
      .strictObject({
        availability: num,
        performance: num,
        quality: num,
        oee: num,
        definition: str,
        unplanned_stops: str.optional(),
      })
      .optional(),
    events: z
      .strictObject({
        splices: count,
        stops: count,
        station_runs: count,
        downtime_s: nonneg,
        rolls_used: z.record(z.enum(SHEETS), count),
      })
      .optional(),
    spc: z
      .strictObject({
        subgroup_size: count,
        constants_source: str,
        lanes: z.array(
          z.strictObject({
            lane: count,
            quantity: str,
            subgroups: count,
            xbar: controlLimits,
            r: controlLimits,
            sigma_within_um: num,
            xbar_r_out_of_control: count,
            western_electric: z.strictObject({ rule1: count, rule2: count, rule3: count, rule4: count }),
            ewma_out_of_control: count,
            charts: z
              .strictObject({
                subgroup: z.array(count).optional().describe('the subgroups charted (when decimated)'),
                means: z.array(num),
                ranges: z.array(num),
                ewma: z.array(num),
                ewma_ucl: z.array(num),
                ewma_lcl: z.array(num),
                decimated: str.optional().describe('how the series was decimated (beyond the chart points per lane)'),
              })
              .optional(),
          }),
        ),
        gauge_240_variance: z
          .strictObject({ sigma_total_um: num, sigma_cd_um: num, sigma_md_and_residual_um: num, mean_um: num })
          .nullable(),
      })
      .optional(),
    capability: z
      .array(
        z.strictObject({
          lane: count,
          cell_thickness_um: capabilitySchema,
          anode_thickness_um: capabilitySchema,
          capacity_mAh: capabilitySchema,
        }),
      )
      .optional(),
    tension: z
      .strictObject({
        spans: z.array(
          z.strictObject({
            span: str,
            tension_N_per_m: num,
            elastic_limit_N_per_m: numOrNull,
            utilisation: numOrNull,
            ok: bool.nullable(),
          }),
        ),
        free_li: z.strictObject({
          li_thickness_um: num,
          li_yield_MPa: num,
          max_tension_N_per_m: num,
          required_tension_N_per_m: num,
          overload_factor: num,
          verdict: str,
        }),
      })
      .optional(),
    cost_per_kWh: numOrNull.optional(),
    cost: z
      .strictObject({
        currency: str,
        by_category_usd_per_kWh: z
          .record(z.enum(['materials', 'scrap', 'labour', 'depreciation', 'energy']), num)
          .nullable(),
        assumptions: z.array(str),
      })
      .optional(),
    physics_model: z
      .union([
        z.strictObject({ fidelity: z.literal('full') }),
        z.strictObject({
          fidelity: z.literal('linear'),
          calibration_calls: count,
          bonded_varies_in_box: bool,
          steps: z.array(z.strictObject({ name: str, step: num })),
          error_vs_full: z.strictObject({
            cells: count,
            cell_thickness_max_rel: num,
            anode_thickness_max_rel: num,
            crack_risk_max_abs: num,
            bonded_mismatch: count,
          }),
        }),
      ])
      .optional(),
    capacity_model: z
      .strictObject({
        kind: str,
        utilisation: num,
        calibration_cells: count,
        calibration_max_rel_error: num,
        /** the fit's posterior behind the capacities (recipe cycling.model_parameters.posterior), when given */
        parameter_uncertainty: z
          .strictObject({
            included: z.boolean(),
            draws: count,
            source: str,
            utilisation_p2_5: num,
            utilisation_p50: num,
            utilisation_p97_5: num,
            note: str,
          })
          .optional(),
      })
      .optional(),
    line_data: z
      .strictObject({
        rows: count,
        stations: z.array(str),
        file: str.optional().describe('the measured line-data file that fed the run (rollcell run --line-data)'),
        source: str.optional(),
        sha256: str.optional(),
      })
      .nullable()
      .optional(),
    stops: z
      .array(z.strictObject({ cause: str, t0_s: num, t1_s: num, s_m: num }))
      .optional()
      .describe("the shift's stops (the dashboard's Shift view draws them)")
      .optional(),
  })
  .describe('the production shift');

const notEvaluable = z.strictObject({ error: str });

export const cyclingSchema = z
  .strictObject({
    model: str.optional(),
    experiment_model: z
      .strictObject({
        model: str,
        switched_from: str,
        reason: str,
        steps: z.array(
          z.strictObject({
            step: num,
            text: str,
            c_rate_max: num,
            model: str,
            above_switched_model_validity: z.boolean(),
          }),
        ),
      })
      .optional()
      .describe(
        "cycling.model auto: the experiment ran on the P2D because a step went above the SPMe's stated C-rate (issue 16 item 4)",
      ),
    protocol: str.optional(),
    status: str.optional(),
    reason: str.optional(),
    charge_capacity_mAh_g: numOrNull,
    discharge_capacity_mAh_g: numOrNull,
    coulombic_efficiency: numOrNull,
    volume_expansion_rate_pct: numOrNull,
    thickness_before_um: num.optional(),
    thickness_after_um: num.optional(),
    volume_expansion_note: str.optional(),
    charge_capacity_Ah: numOrNull.optional(),
    discharge_capacity_Ah: numOrNull.optional(),
    charge_cutoff_V: num.optional(),
    discharge_cutoff_V: num.optional(),
    experiment: z
      .strictObject({
        initial_soc: unit01,
        cycles: count,
        per_cycle: z.array(
          z.strictObject({ cycle: num, charge_Ah: num, discharge_Ah: num, coulombic_efficiency: numOrNull }),
        ),
      })
      .optional(),
    first_cycle_loss: z
      .strictObject({
        charge_mAh_g: num,
        discharge_mAh_g: num,
        cei_mAh_g: num,
        kinetic_recoverable_mAh_g: num,
        cathode_stoichiometry_start: num,
        cathode_stoichiometry_end: num,
        coating: str,
        literature_ce: z.strictObject({ low: num, high: num, source: str }),
      })
      .optional(),
    np_ratio_host: num.optional(),
    anode_host: z
      .strictObject({
        x_host: num,
        li_al_as_made: num,
        host_left_mAh_cm2: num,
        charge_mAh_cm2: num,
        np_empty_al_host: num,
      })
      .optional(),
    plating: z
      .strictObject({
        plated: bool,
        max_plated_li_um: num,
        end_plated_li_um: num,
        onset_s: numOrNull,
        min_anode_potential_V: numOrNull,
        max_plating_current_mA_cm2: num,
        ccd_mA_cm2: num,
        ccd_range_mA_cm2: z.array(num).length(2),
        ccd_source: str,
        risk: str,
        text: str,
      })
      .optional(),
    first_cycle_band: z
      .strictObject({
        model: str,
        method: str,
        discharge_capacity_mAh_g: band3,
        coulombic_efficiency: band3,
        volume_expansion_rate_pct: band3,
        claim_13: str,
        claim_13_verdict: str,
        depends_on: z.array(str),
        samples: count,
        seed: num,
        parameters: z.array(assumedParameter),
        points: z.array(
          z.strictObject({
            parameter: str,
            at: num,
            discharge_capacity_mAh_g: num,
            coulombic_efficiency: num,
            volume_expansion_rate_pct: num,
          }),
        ),
      })
      .optional(),
    max_c_rate: numOrNull.optional(),
    rate_capability: z
      .union([
        z.strictObject({
          reference_rate_C: num,
          reference_capacity_Ah: num,
          fraction: num,
          at_search_limit: bool,
          meets_0_33C: bool,
          evaluations: z.array(z.strictObject({ c_rate: num, capacity_Ah: num, ok: bool })),
          band: z.strictObject({
            model: str,
            nominal_c_rate: num,
            low_c_rate: num,
            high_c_rate: num,
            claim_16: str,
            claim_16_verdict: str,
            depends_on: z.array(str),
            parameters: z.array(assumedParameter),
            points: z.array(z.strictObject({ parameter: str, at: num, c_rate: num })),
          }),
        }),
        notEvaluable,
      ])
      .optional(),
    cycles: count.optional(),
    ageing: z
      .strictObject({
        model: str,
        c_rate: num,
        mechanisms: z.strictObject({
          interphase: bool,
          contact_loss: bool,
          li_inventory: bool,
          anode_interphase: bool,
          anode_voids: bool,
          calendar: bool,
        }),
        cycles: count,
        cycles_requested: count,
        capacity_retention_pct: num,
        first_discharge_Ah: num,
        last_discharge_Ah: num,
        dc_resistance_first_mOhm: numOrNull,
        dc_resistance_last_mOhm: numOrNull,
        resistance_growth_pct: numOrNull,
        end_of_life_retention_pct: num,
        cycles_to_end_of_life: z.number().int().nullable(),
        capacity_retention_band_pct: z
          .strictObject({
            at_cycle: count,
            low: num,
            median: num,
            high: num,
            samples: count,
            seed: num,
            method: str,
            most_sensitive: z.array(z.strictObject({ parameter: str, correlation: num })),
          })
          .optional(),
        cycles_to_end_of_life_band: z
          .strictObject({
            reached_in_samples: count,
            samples: count,
            low: z.number().int().nullable(),
            high: z.number().int().nullable(),
          })
          .optional(),
        validity: z.strictObject({
          inside: bool,
          flags: z.array(z.strictObject({ quantity: str, value: num, allowed: str, text: str })),
        }),
      })
      .optional(),
    notes: z.array(str).optional(),
  })
  .describe('the first cycle ([0178]) and the cycling that follows, on the produced cell');

const stats4 = z.strictObject({ mean: num, sigma: num, min: num, max: num });

export const batterySchema = z
  .strictObject({
    profile: str.optional(),
    seed: num.optional(),
    days: num.optional(),
    cell_model: str.optional(),
    pack: z
      .strictObject({
        series: count,
        parallel: count,
        cells: count,
        cell_source: z.enum(['design', 'production']),
        cell_layers: count,
        interconnect_resistance_mOhm: num,
        voltage_min_V: num,
        voltage_max_V: num,
        nominal_voltage_V: num,
        in_seed_voltage_window_1_500_V: bool,
        capacity_nominal_Ah: num,
        capacity_C3_Ah: num,
        energy_C3_kWh: num,
        mass_kg: num,
        volume_L: num,
        specific_energy_Wh_kg: num,
        energy_density_Wh_L: num,
        cell_capacity_Ah: stats4,
        cell_resistance_mOhm: stats4,
        c3_stopped_by_cell: int,
      })
      .optional(),
    results: z
      .strictObject({
        duration_h: num,
        energy_out_kWh: num,
        energy_in_kWh: num,
        throughput_kWh: num,
        round_trip_efficiency: numOrNull,
        interconnect_loss_Wh: num,
        balancing_loss_Wh: num,
        cell_voltage_min_V: num,
        cell_voltage_max_V: num,
        soc_spread_max_pct: num,
        soc_spread_end_pct: num,
        temperature_max_C: numOrNull,
        max_cell_c_rate: num,
        model_validity_c_rate: num,
        deratings: z.strictObject({
          count: count,
          discharge: count,
          charge: count,
          /** what a counted derating is (a fixed target, not the solver's acceptance band) */
          count_rule: str,
          energy_not_delivered_Wh: num,
          first: z.array(
            z.strictObject({
              t_s: num,
              requested_W: numOrNull,
              delivered_W: numOrNull,
              requested_A: num,
              delivered_A: num,
              cell: int,
              limit: str,
            }),
          ),
        }),
        ev: z
          .strictObject({
            range_km: num,
            cycles: count,
            distance_per_cycle_km: num,
            consumption_Wh_per_km: num,
            stopped_by: str,
          })
          .optional(),
        conservation: z.strictObject({ energy_balance_error_J: num, charge_balance_error_C: num }),
        /** the step at which the pack could not be evaluated (the duty stopped there); absent when it ran whole */
        not_evaluable: z
          .strictObject({
            text: str,
            t_s: num,
            cell: int,
            serial: str,
            group: int,
            current_A: num,
            reason: str,
          })
          .optional(),
      })
      .optional(),
    limiting_cell: z
      .strictObject({
        index: int,
        group: int,
        position_in_group: int,
        serial: str,
        limit: z.enum(['v_min', 'v_max', 'p_max', 'none']),
        deratings: count,
        capacity_Ah: num,
        capacity_vs_pack_mean_pct: num,
        resistance_mOhm: num,
        resistance_vs_pack_mean_pct: num,
        group_capacity_Ah: num,
        group_capacity_rank: int,
        reason: str,
        genealogy: z
          .strictObject({
            parents: z.array(z.strictObject({ sheet: z.enum(SHEETS), roll_id: str, lot: str, md_start_m: num })),
            lane: count,
            station_run: str,
            time_s: num,
            cathode_thickness_um: num,
            separator_thickness_um: num,
            anode_thickness_um: num,
            in_spec: bool,
          })
          .optional(),
      })
      .optional(),
    ageing: z
      .strictObject({
        years: num,
        equivalent_full_cycles_per_year: num,
        capacity_Ah_by_year: z.array(num),
        capacity_retention_pct_after_years: num,
        duty_rms_c_rate_max: num,
        duty_peak_c_rate: num,
        cell_temperature_under_load_max_C: num,
        validity: z.strictObject({ inside: bool, flags: z.array(str) }),
        years_to_end_of_life: numOrNull
          .optional()
          .describe("years until the pack's C/3 capacity falls below end of life (null: beyond the projection)"),
        end_of_life_retention_pct: num.optional(),
        retention_reference: str
          .optional()
          .describe(
            'what retention and years to end of life are referenced to: the capacity after formation (the cathode contact loss settled) or the fresh capacity',
          ),
        formation_days: num.optional().describe('days of the duty before the reference capacity (0: fresh reference)'),
        capacity_Ah_after_formation: num.optional(),
        formation_loss_pct: num.optional().describe('capacity lost from fresh to the reference point, % of fresh'),
        capacity_retention_pct_after_years_vs_fresh: num.optional(),
        years_to_end_of_life_vs_fresh: numOrNull.optional(),
        band: z
          .strictObject({
            method: str,
            end_of_life_retention_pct: num,
            samples: count,
            seed: num,
            representative_cell: int,
            formation_days: num.optional(),
            formation_loss_pct: z.strictObject({ nominal: num, low: num, median: num, high: num }).optional(),
            years_to_end_of_life: z.strictObject({
              nominal: numOrNull,
              low: numOrNull,
              median: numOrNull,
              high: numOrNull,
              beyond_horizon: count,
              horizon_years: num,
            }),
            capacity_retention_pct_after_years: z.strictObject({ nominal: num, low: num, median: num, high: num }),
            sensitivity: z.array(z.strictObject({ parameter: str, correlation: num })),
          })
          .nullable()
          .optional()
          .describe("the pack ageing projection's band over the ageing parameters' ranges"),
      })
      .nullable()
      .optional(),
    series: z
      .strictObject({
        time_s: z.array(num),
        pack_voltage_V: z.array(num),
        pack_current_A: z.array(num),
        cell_voltage_min_V: z.array(num),
        cell_voltage_max_V: z.array(num),
        soc_min_pct: z.array(num),
        soc_max_pct: z.array(num),
        temperature_max_C: z.array(num),
      })
      .optional(),
    notes: z.array(str).optional(),
    band: z
      .strictObject({
        method: str,
        cell_capacity_ratio: z.strictObject({ low: num, high: num }),
        energy_C3_kWh: band3,
        range_km: band3.optional(),
      })
      .optional()
      .describe("the pack's energy and range over the cells' first-cycle capacity band (first order)")
      .optional(),
    battery_serial: str.optional().describe('the serial the in-spec cells the pack took point to').optional(),
  })
  .describe("the recipe's pack on its duty profile");

export const VERDICTS = ['met', 'not met', 'not evaluable'] as const;
export const verdictSchema = z.enum(VERDICTS);

export const claimElementSchema = z.strictObject({
  id: z.string(),
  text: z.string(),
  verdict: verdictSchema,
  evidence: z.string(),
  paragraph: z.string().optional(),
  depends_on_assumptions: z.array(str).optional().describe('assumptions whose range flips this verdict').optional(),
});

export const claimResultSchema = z.strictObject({
  claim: z.number().int().gte(1),
  verdict: verdictSchema,
  elements: z.array(claimElementSchema),
  title: str.optional(),
  reason: str.optional(),
  depends_on: z.number().int().gte(1).optional().describe('the parent claim').optional(),
  outside_validity: z
    .array(str)
    .optional()
    .describe('findings outside a model validity that the evidence cites (src/validity.ts)')
    .optional(),
});

export const windowCheckSchema = z.strictObject({
  id: z.string(),
  quantity: z.string(),
  value: num,
  unit: z.string(),
  window: z.string(),
  inside: z.boolean(),
  paragraph: z.string(),
  source: z.string(),
  claim: z.number().int().optional(),
});

export const validityFindingSchema = z.strictObject({
  kind: z.enum(['impossible', 'outside_validity']),
  source: z.string(),
  code: z.string(),
  reason: z.string(),
  claims: z
    .union([z.literal('all'), z.array(z.number().int())])
    .describe("claims whose verdict rests on the finding: they become 'not evaluable'"),
  cites: z
    .array(z.number().int())
    .optional()
    .describe(
      "claims whose evidence cites the figure but whose verdict does not rest on it (the verdict stands; the evidence says 'outside model validity')",
    ),
});

export const runOutputSchema = z
  .strictObject({
    rollcell_version: z.string(),
    run_id: z.string(),
    design: designSchema,
    line: lineSchema.optional(),
    windows: z.array(windowCheckSchema).optional().describe("the seed's preferred windows (reported, not enforced)"),
    warnings: z.array(z.string()).optional(),
    cycling: cyclingSchema.optional(),
    production: productionSchema.optional(),
    battery: batterySchema.optional(),
    claims: z.array(claimResultSchema).optional(),
    validity: z
      .strictObject({ findings: z.array(validityFindingSchema) })
      .optional()
      .describe(
        "present when something makes results untrustworthy: a physical impossibility or a result outside a model's validity (src/validity.ts)",
      ),
    report: z.string().optional().describe('path of the HTML report'),
    error: z.string().optional().describe('why the run failed (a stored failed run has only the required blocks)'),
  })
  .describe('the output of `rollcell run --json` (CONTRACT.md); names are a public contract');

export type DesignBlock = z.infer<typeof designSchema>;
export type StationLayer = z.infer<typeof stationLayerSchema>;
export type StationBlock = z.infer<typeof stationSchema>;
export type LineBlock = z.infer<typeof lineSchema>;
export type ProductionBlock = z.infer<typeof productionSchema>;
export type CyclingBlock = z.infer<typeof cyclingSchema>;
export type BatteryBlock = z.infer<typeof batterySchema>;
export type Verdict = z.infer<typeof verdictSchema>;
export type ClaimElement = z.infer<typeof claimElementSchema>;
export type ClaimResult = z.infer<typeof claimResultSchema>;
export type RunOutput = z.infer<typeof runOutputSchema>;

/** The problems of a value against the output contract, as `<path>: <message>` lines (empty when valid). */
export function checkRunOutput(value: unknown): string[] {
  const r = runOutputSchema.safeParse(value);
  if (r.success) return [];
  return r.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
}

/** The output contract as JSON Schema (draft 2020-12), for `rollcell schema --output` and OpenAPI. */
export function runOutputJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(runOutputSchema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  s['title'] = 'rollcell run output';
  s['$id'] = 'https://rollcell.dev/schema/run-output-1.json';
  return s;
}
