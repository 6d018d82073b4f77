/**
 * The recipe language: what the seed's line (FIG. 2 of US 2025/0266422 A1) takes, in YAML.
 * Field names carry their units (edges of the code); `toLineSpec` in ./si.ts converts to SI.
 *
 * Validation limits are PHYSICAL only (thickness > 0, wt% sum to 100, Li ≤ 100 wt %, known material).
 * The seed's preferred windows (150–500 N, 30–200 °C, 10–100 µm anode, ≤ 1 mm cell, 1–10 MPa,
 * ≥ 100 mAh/g, ≥ 0.33C) are NOT limits here: values outside are allowed and reported by the claim
 * chart and `windows.ts` as outside the claimed window.
 */
import { variabilitySchema, productionSchema } from './production.ts';
import { ZERO_CELSIUS_K } from '../materials/constants.ts';
import { batteryExtrasSchema } from './battery.ts';
import { AGEING_PARAMETER_FIELDS } from './ageing-fields.ts';
import { z } from 'zod';

export { AGEING_PARAMETER_FIELDS };

const num = (desc: string) => z.number().describe(desc);
const positive = (desc: string) => num(desc).gt(0);
const nonNegative = (desc: string) => num(desc).gte(0);
const pct = (desc: string) => num(desc).gte(0).lt(100);
/** temperatures: physically above absolute zero */
const temperatureC = (desc: string) => num(desc).gt(-ZERO_CELSIUS_K);

export const materialName = z.string().min(1);

export const cathodeLayerSchema = z
  .object({
    active_material: materialName.describe('cathode active material id from the library, e.g. NCM811 ([0058]–[0062])'),
    electrolyte: materialName.describe('solid electrolyte mixed into the composite (catholyte), e.g. Li6PS5Cl'),
    conductive_additive: materialName.default('VGCF').describe('conductive carbon id (carbon_black, VGCF)'),
    binder: materialName.default('PTFE').describe('binder id (PVDF, PTFE, SBR, NBR)'),
    composition_wt_pct: z
      .object({
        active: nonNegative('active material, wt %'),
        electrolyte: nonNegative('solid electrolyte, wt %'),
        conductive: nonNegative('conductive carbon, wt %').default(0),
        binder: nonNegative('binder, wt %').default(0),
      })
      .strict()
      .describe('mass fractions of the composite cathode; must sum to 100'),
    thickness_um: positive('cathode layer thickness before processing, µm').optional(),
    loading_mg_cm2: positive('cathode ACTIVE-material loading, mg/cm² (alternative to thickness_um)').optional(),
    porosity_pct: pct('porosity of the cathode composite as supplied, %').default(20),
    // ≥ 1 nm: a smaller "particle" is less than one unit cell of a layered oxide (NCM811 c ≈ 1.42 nm), and
    // the particle-diffusion model has no meaning there (below ≈ 1e-7 µm its backward-Euler matrix is
    // singular in double precision: the shells' volumes/dt vanish against D/Δr², and the state overflowed)
    particle_radius_um: num('active-particle radius, µm (≥ 0.001: at least a crystal unit cell)')
      .gte(0.001)
      .default(2.5),
    coating: z
      .enum(['none', 'LiNbO3', 'Nb2O5'])
      .default('none')
      .describe(
        'surface coating of the active material against the sulfide electrolyte (the seed names none): an uncoated oxide ' +
          'forms a cathode–electrolyte interphase on first charge (an irreversible loss), a LiNbO3 or Nb2O5 coating suppresses it',
      ),
  })
  .strict();

export const electrolyteLayerSchema = z
  .object({
    material: materialName.describe('solid electrolyte id ([0155]–[0165])'),
    thickness_um: positive('solid-electrolyte layer thickness, µm'),
    porosity_pct: pct('porosity of the electrolyte sheet as supplied, %').default(10),
  })
  .strict();

export const collectorSchema = z
  .object({
    material: materialName.describe('collector metal ([0123]): Al, Cu, Ni, Ti, SS, Ag'),
    thickness_um: positive('collector thickness, µm'),
  })
  .strict();

export const firstSheetSchema = z
  .object({
    supply: z
      .enum(['in_situ', 'ready_made'])
      .default('in_situ')
      .describe('laminated in situ by rollers 222 ([0189]) or supplied ready-made as a sheet/roll'),
    cathode: cathodeLayerSchema,
    electrolyte_layer: electrolyteLayerSchema,
    current_collector: collectorSchema
      .optional()
      .describe('optional collector on the cathode side (claim 9: an Al-containing sheet)'),
  })
  .strict();

export const alSheetSchema = z
  .object({
    form: z
      .enum(['foil', 'particles_on_carrier'])
      .describe('Al foil (claim 11) or Al particles + binder on a plastic carrier (claim 10)'),
    thickness_um: positive('Al-containing sheet thickness (without carrier), µm'),
    purity_pct: num('Al purity, wt %').gt(0).lte(100).default(99.5),
    temper: z.enum(['O', 'H14', 'H18']).default('O').describe('foil temper (O = annealed)'),
    placed_on: z
      .enum(['electrolyte_layer', 'cathode_layer'])
      .default('electrolyte_layer')
      .describe('which face of the first composite sheet the Al sheet is placed on (claim 1: the electrolyte layer)'),
    particles: z
      .object({
        binder: materialName.default('PVDF'),
        binder_wt_pct: num('binder content of the Al-particle layer, wt %').gte(0).lt(100).default(5),
        porosity_pct: pct('porosity of the Al-particle layer, %').default(30),
        particle_diameter_um: positive('Al particle diameter, µm').default(3),
      })
      .strict()
      .optional(),
    carrier: z
      .object({
        material: materialName.default('PET'),
        thickness_um: positive('carrier film thickness, µm').default(25),
        removed_before: z
          .enum(['236', 'never'])
          .default('236')
          .describe('the plastic carrier is peeled off before station 236 ([0192]); "never" is a recipe error'),
      })
      .strict()
      .optional(),
  })
  .strict();

export const thirdSheetSchema = z
  .object({
    li_layer: z
      .object({
        thickness_um: positive('Li-containing layer thickness, µm'),
        li_wt_pct: num('elemental Li content, wt % ([0199]: ≥ 80 claimed)').gt(0).lte(100).default(100),
      })
      .strict(),
    conductive_layer: collectorSchema.describe('conductive layer under the Li ([0198]: Cu by default, claim 8)'),
    facing_al: z
      .enum(['li_layer', 'conductive_layer'])
      .default('li_layer')
      .describe(
        'which side of the third sheet meets the Al layer (claim 1: the Li layer, interposed between Al and the conductive layer)',
      ),
  })
  .strict();

export const stationSchema = z
  .object({
    force_N: nonNegative('roll force per roll pair, N (the seed: 150–500 N)'),
    roll_diameter_mm: positive('work-roll diameter, mm'),
    face_width_mm: positive('roll face width, mm'),
    temperature_C: temperatureC('roll / web temperature in the nip, °C (claim 7 heating: 30–200 °C)').default(25),
    friction_coefficient: num('Coulomb friction coefficient roll–strip').gte(0).lte(1).optional(),
  })
  .strict();

export const stationsSchema = z
  .object({
    '222': stationSchema
      .optional()
      .describe('in-situ lamination of the first composite sheet ([0189]); required when first_sheet.supply = in_situ'),
    '236': stationSchema.describe('roll bonding of the Al-containing sheet onto the electrolyte ([0193]–[0196])'),
    '240': stationSchema.describe('roll bonding of the third sheet (Li on Cu) onto the Al ([0200]–[0204])'),
  })
  .strict();

export const lineSchema = z
  .object({
    mode: z
      .enum(['continuous', 'batch'])
      .default('continuous')
      .describe('continuous roll-to-roll supply (claim 1) or sheet-by-sheet'),
    speed_m_per_min: positive('line speed, m/min'),
    web_width_mm: positive('web width, mm'),
    roll_length_m: z
      .object({
        first_sheet: positive('length of a first-composite-sheet roll, m').default(500),
        al_sheet: positive('length of an Al-sheet roll, m').default(1000),
        third_sheet: positive('length of a Li-on-Cu roll, m').default(300),
      })
      .strict()
      .default({ first_sheet: 500, al_sheet: 1000, third_sheet: 300 }),
    downstream: z
      .object({
        dwell_h: nonNegative('time between station 240 and cell cutting/first charge (alloying continues), h').default(
          24,
        ),
        temperature_C: temperatureC('storage / dwell temperature, °C').default(25),
        wound: z.boolean().default(false).describe('whether the web is wound into a roll after 240 (nearly adiabatic)'),
      })
      .strict()
      .default({ dwell_h: 24, temperature_C: 25, wound: false }),
  })
  .strict();

export const cellSchema = z
  .object({
    width_mm: positive('cell width, mm'),
    length_mm: positive('cell length (machine direction), mm'),
    stack_pressure_MPa: positive(
      'stack pressure held by the fixture, MPa (claim 15: 1–10 MPa); > 0: the solid-state cell models need the pressure that keeps the particles in contact',
    ),
    temperature_C: temperatureC('cell operating temperature, °C').default(25),
    packaging_mass_fraction: num('mass of pouch/tabs as a fraction of the cell stack mass').gte(0).lt(1).default(0),
  })
  .strict();

export const batterySchema = z
  .object({
    series: z.number().int().gte(1).describe('cells in series'),
    parallel: z.number().int().gte(1).describe('cells in parallel'),
    application: z
      .enum(['ev', 'ess_solar', 'ess_wind', 'other'])
      .default('ev')
      .describe('claim 18: EV or solar/wind storage'),
    interconnect_resistance_mOhm: nonNegative(
      'resistance of each cell-to-cell connection, mΩ (0 … 100; welded busbars ≈ 0.05–0.5)',
    )
      .lte(100)
      .default(0.2),
    extras: batteryExtrasSchema
      .optional()
      .describe('pack and duty settings: cell layers, vehicle, spread, thermal, BMS, solar, wind (README: batteries)'),
  })
  .strict();

export type ExperimentEntry =
  | string
  | ExperimentEntry[]
  | { repeat: number; steps: ExperimentEntry[] }
  | { repeat_until: string; steps: ExperimentEntry[] }
  | { string: string; [key: string]: unknown }
  | { type: string; [key: string]: unknown };

/**
 * An experiment entry (src/cycler/README.md): a step string, a list of entries (one cycle), a repeat
 * block, a step object (`{string: …, temperature: …}`, PyBaMM's `step.string` keywords) or a typed step
 * (`{type: c-rate, value: 1, termination: "2.5 V"}`). The keys of step objects are checked by the
 * cycler's parser when the recipe is loaded.
 */
export const experimentEntrySchema: z.ZodType<ExperimentEntry> = z.lazy(() =>
  z.union([
    z.string().min(1),
    z.array(experimentEntrySchema).min(1),
    z.object({ repeat: z.number().int().gte(1), steps: z.array(experimentEntrySchema).min(1) }).strict(),
    z.object({ repeat_until: z.string().min(1), steps: z.array(experimentEntrySchema).min(1) }).strict(),
    z.object({ string: z.string().min(1) }).catchall(z.unknown()),
    z.object({ type: z.string().min(1) }).catchall(z.unknown()),
  ]),
);

export const cyclingSchema = z
  .object({
    model: z
      .enum(['auto', 'p2d', 'spme', 'spm'])
      .default('auto')
      .describe(
        'electrochemical model of the solid-state cell; auto (default): the SPMe, and an experiment with a step above ' +
          "the SPMe's stated C-rate runs on the P2D instead (said in cycling.experiment_model); spme/spm: that model " +
          'throughout, a step above its validity reported as outside validity',
      ),
    // ≤ 6 V: no lithium cell is charged above ≈ 5.3 V (LiNiPO4/LiCoPO4 are the highest-voltage cathodes);
    // beyond it a cut-off is a typo in the unit (mV for V) and the cell models leave their window
    charge_cutoff_V: positive('cell charge cut-off voltage of the [0178] protocol, V (seed: 4.25–4.4 V)')
      .lte(6)
      .default(4.3),
    discharge_cutoff_V: positive('cell discharge cut-off voltage, V').lte(6).default(3.0),
    ageing_cycles: z
      .number()
      .int()
      .gte(0)
      .lte(100000)
      .default(200)
      .describe('cycles of repeated charge/discharge with ageing (claim 19); 0 = none'),
    ageing_c_rate: positive('C-rate of the ageing cycles').default(0.33),
    rate_capability: z
      .boolean()
      .default(true)
      .describe('find the highest C-rate that still delivers 80 % of the C/10 capacity (claim 16)'),
    ageing_mechanisms: z
      .object({
        interphase: z
          .boolean()
          .default(true)
          .describe(
            'interphase growth at the cathode|electrolyte interface: resistance growth ∝ √t (SOC- and T-dependent)',
          ),
        contact_loss: z
          .boolean()
          .default(true)
          .describe('contact loss (loss of active material) driven by volume change, opposed by stack pressure'),
        li_inventory: z
          .boolean()
          .default(true)
          .describe('loss of Li inventory into the interphases and dead (unstripped plated) Li'),
        anode_interphase: z
          .boolean()
          .default(true)
          .describe(
            'anode–electrolyte interphase: Li-rich Li–Al and plated Li reduce Li6PS5Cl (∝ √t, cracked by breathing)',
          ),
        anode_voids: z
          .boolean()
          .default(true)
          .describe(
            "anode void formation / contact loss from the alloy's breathing, opposed by stack pressure, worse at high current",
          ),
        calendar: z
          .boolean()
          .default(true)
          .describe('calendar ageing: the interphases also grow during rest (SOC and T)'),
      })
      .strict()
      .optional()
      .describe('switch the ageing sub-models of the ageing cycles on/off; default: all on'),
    model_parameters: z
      .object({
        ageing: z
          .object(
            Object.fromEntries(
              AGEING_PARAMETER_FIELDS.map((k) => [
                k,
                nonNegative(`ageing parameter ${k}, in the SI unit of data/ageing/mechanisms.json`).optional(),
              ]),
            ) as Record<(typeof AGEING_PARAMETER_FIELDS)[number], z.ZodOptional<z.ZodNumber>>,
          )
          .strict()
          .optional()
          .describe('ageing-mechanism parameters replacing the values of data/ageing/mechanisms.json'),
        rate: z
          .object({
            anode_D_um2_s: positive(
              'Li diffusivity of the β-LiAl host at the cell temperature, µm²/s (1 µm²/s = 1e-12 m²/s)',
            ).optional(),
            ionic_tortuosity: positive('tortuosity factor of the SE network in the composite cathode, 1').optional(),
            cathode_Ds_um2_s: positive(
              'Li diffusivity of the cathode active material, µm²/s (1 µm²/s = 1e-12 m²/s)',
            ).optional(),
            anode_j0_A_m2: positive('exchange-current density at the anode|SE interface, A/m²').optional(),
          })
          .strict()
          .optional()
          .describe('rate-capability parameters replacing the cell model defaults'),
        posterior: z
          .object({
            parameters: z
              .array(z.string().min(1))
              .min(1)
              .describe(
                "the fitted parameters' names, as `rollcell fit --params` takes them (`rate.cathode_Ds_um2_s`, `ageing.<id>`)",
              ),
            samples: z
              .array(z.array(z.number().finite().positive()))
              .min(1)
              .max(1000)
              .describe('posterior draws: one row per draw, one value per parameter, in the units of the names'),
            source: z.string().optional().describe('where the draws come from (the fit, its data, its seed)'),
          })
          .strict()
          .optional()
          .describe(
            'the MCMC posterior of the fitted parameters (written by `rollcell fit --method mcmc --out patch.yaml`): ' +
              "a production run draws each cell's parameters from it (seeded), so its capacity distribution includes the parameter uncertainty",
          ),
      })
      .strict()
      .optional()
      .describe(
        "the solid-state cell model's fitted parameters (written by `rollcell fit --cell recipe.yaml --out patch.yaml`); " +
          'default: the documented values',
      ),
    end_of_life_retention_pct: num(
      'end of life: the ageing cycles stop after the first cycle below this capacity retention, % of the first cycle (default 80; 0 = run all ageing_cycles)',
    )
      .gte(0)
      .lt(100)
      .optional(),
    plating: z
      .enum(['report', 'stop', 'derate'])
      .default('report')
      .describe(
        'what a charge does when Li starts to plate at the anode: report (go on; the plating shows in the results), ' +
          'stop (end that charge step), derate (go on at half the current each time, down to 0.02C)',
      ),
    initial_soc: num(
      'state of charge the recipe experiment starts from, 0–1 (default 0: the cell as produced, ' +
        'discharged — cathode lithiated, the Li in the prelithiated anode)',
    )
      .gte(0)
      .lte(1)
      .optional(),
  })
  .strict();

export const specSchema = z
  .object({
    cell_thickness_um: z
      .object({ min: nonNegative('µm').optional(), max: positive('µm').optional() })
      .strict()
      .optional(),
    anode_thickness_um: z
      .object({ min: nonNegative('µm').optional(), max: positive('µm').optional() })
      .strict()
      .optional(),
    crack_risk_max: num('maximum crack risk (0–1)').gte(0).lte(1).optional(),
    capacity_mAh_g_min: nonNegative('minimum specific discharge capacity, mAh/g').optional(),
    capacity_mAh_min: nonNegative('minimum cell capacity, mAh').optional(),
  })
  .strict();

export const recipeSchema = z
  .object({
    rollcell_recipe: z.literal(1).default(1).describe('recipe format version'),
    name: z.string().min(1).describe('a name for this recipe'),
    description: z.string().optional(),
    first_sheet: firstSheetSchema,
    al_sheet: alSheetSchema,
    third_sheet: thirdSheetSchema,
    stations: stationsSchema,
    line: lineSchema,
    cell: cellSchema,
    battery: batterySchema.optional(),
    experiment: z
      .array(experimentEntrySchema)
      .min(1)
      .optional()
      .describe('PyBaMM-style experiment steps; default: the [0178] first-cycle protocol'),
    cycling: cyclingSchema.default({
      model: 'auto',
      charge_cutoff_V: 4.3,
      discharge_cutoff_V: 3.0,
      ageing_cycles: 200,
      ageing_c_rate: 0.33,
      rate_capability: true,
      plating: 'report',
    }),
    spec: specSchema.optional(),
    variability: variabilitySchema
      .optional()
      .describe(
        'production-run variability: seeded random sheet thickness, force, temperature, eccentricity, gauges (README: production)',
      ),
    production: productionSchema
      .optional()
      .describe('production-run settings: shift length, rolls, splices, ramps, lots, stops, cost (README: production)'),
  })
  .strict();

export type RecipeInput = z.input<typeof recipeSchema>;
export type Recipe = z.output<typeof recipeSchema>;

/** JSON Schema (draft 2020-12) of the recipe, for editor autocompletion (`rollcell schema`). */
export function recipeJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(recipeSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  s['title'] = 'rollcell recipe';
  s['$id'] = 'https://rollcell.dev/schema/recipe-1.json';
  return s;
}
