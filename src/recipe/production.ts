/**
 * Recipe sections `variability` and `production` (zod schemas, part of the recipe schema in
 * ./schema.ts). `process/production/config.ts` validates them with errors naming path, value and what
 * is allowed (`production.splice.scrap_length_m: out of the physical range (got -1; allowed >= 0)`).
 *
 * Defaults are engineering values; each carries its source or the word "assumption" (tags as in
 * shared/data/process-models.md: V read, K textbook, A assumption).
 */
import { z } from 'zod';

const num = (d: string) => z.number().describe(d);
const nonNeg = (d: string) => num(d).gte(0);
const pos = (d: string) => num(d).gt(0);

// ------------------------------------------------------------------------------------- variability
/** Defaults: foil/coating thickness tolerances — all assumptions (no public source found for these sheets). */
const SHEET_DEFAULTS = {
  cathode: { md_sigma_pct: 1.5, md_correlation_m: 5, cd_sigma_pct: 1 },
  electrolyte: { md_sigma_pct: 2, md_correlation_m: 5, cd_sigma_pct: 1 },
  al: { md_sigma_pct: 1, md_correlation_m: 20, cd_sigma_pct: 0.5 },
  li: { md_sigma_pct: 3, md_correlation_m: 3, cd_sigma_pct: 2 },
  cu: { md_sigma_pct: 1, md_correlation_m: 20, cd_sigma_pct: 0.5 },
} as const;

/**
 * one incoming sheet layer: machine-direction AR(1)/Ornstein–Uhlenbeck process + cross-direction
 * profile; every field defaults to THAT sheet's value, so a partial block (`li: { md_sigma_pct: 4 }`)
 * keeps the sheet's other defaults
 */
function sheetSchema(d: { md_sigma_pct: number; md_correlation_m: number; cd_sigma_pct: number }) {
  return z
    .object({
      md_sigma_pct: nonNeg('standard deviation of the thickness in machine direction, % of nominal').default(
        d.md_sigma_pct,
      ),
      md_correlation_m: pos('correlation length of the MD process (OU: ρ(Δs) = exp(−Δs/ℓ)), m').default(
        d.md_correlation_m,
      ),
      cd_sigma_pct: nonNeg(
        'standard deviation of the cross-direction (per-lane) thickness profile, % of nominal',
      ).default(d.cd_sigma_pct),
      cd_profile_pct: z
        .array(num('per-lane deviation, %'))
        .optional()
        .describe('explicit CD profile, one value per lane (overrides cd_sigma_pct)'),
    })
    .strict();
}
export const sheetVariabilitySchema = sheetSchema(SHEET_DEFAULTS.cathode);

export const stationVariabilitySchema = z
  .object({
    force_sigma_pct: nonNeg('standard deviation of the roll force (OU in time), % of set point').default(2),
    temperature_sigma_C: nonNeg('standard deviation of the nip temperature (OU in time), K').default(1),
    // ≥ 0.1 s: the signals are drawn at a tenth of it over the whole shift, so 1e-9 s meant ≈ 3 × 10¹⁴ draws
    // for an 8 h shift (fuzz seed 3 run #328: no end, RSS past 18 GB); fluctuations faster than that
    // average out within one cell's passage through a nip (≈ 1–10 s at the line's speeds)
    correlation_time_s: num('correlation time of force/temperature fluctuations, s (≥ 0.1)').gte(0.1).default(60),
    eccentricity_pct: nonNeg(
      'roll eccentricity: amplitude of the periodic force ripple at one roll revolution, % of set point',
    ).default(1),
  })
  .strict();

export const gaugeSchema = z
  .object({
    spot_mm: pos(
      'gauge spot size (MD averaging length), mm (beta gauges 5–20 mm, process-models §3.4, V weak)',
    ).default(10),
    noise_um: nonNeg('gauge white noise (1σ), µm (assumption)').default(0.3),
    drift_um_per_h: num('slow calibration drift, µm/h (assumption)').default(0.05),
  })
  .strict();

export const variabilitySchema = z
  .object({
    scale: nonNeg('multiplier on every σ and amplitude below (0 = an ideal, noise-free line)').default(1),
    sheets: z
      .object({
        cathode: sheetSchema(SHEET_DEFAULTS.cathode).default(SHEET_DEFAULTS.cathode),
        electrolyte: sheetSchema(SHEET_DEFAULTS.electrolyte).default(SHEET_DEFAULTS.electrolyte),
        al: sheetSchema(SHEET_DEFAULTS.al).default(SHEET_DEFAULTS.al),
        li: sheetSchema(SHEET_DEFAULTS.li).default(SHEET_DEFAULTS.li),
        cu: sheetSchema(SHEET_DEFAULTS.cu).default(SHEET_DEFAULTS.cu),
      })
      .strict()
      .default(SHEET_DEFAULTS),
    stations: stationVariabilitySchema.default({
      force_sigma_pct: 2,
      temperature_sigma_C: 1,
      correlation_time_s: 60,
      eccentricity_pct: 1,
    }),
    gauge: gaugeSchema.default({ spot_mm: 10, noise_um: 0.3, drift_um_per_h: 0.05 }),
    defects: z
      .object({
        rate_per_m2: nonNeg(
          'Poisson rate of point defects (pinholes, agglomerates, pick-off), per m² of web (assumption)',
        ).default(0.5),
      })
      .strict()
      .default({ rate_per_m2: 0.5 }),
  })
  .strict();

export type Variability = z.output<typeof variabilitySchema>;
export type SheetVariability = z.output<typeof sheetVariabilitySchema>;

// ------------------------------------------------------------------------------------- production
export const productionSchema = z
  .object({
    duration_h: pos('length of the production run (a shift), h (≤ 168: a week; every cell is kept)')
      .lte(168)
      .default(8),
    ramp_s: nonNeg('time to accelerate from standstill to the set speed after a (re)start, s (assumption)').default(30),
    restart_scrap_m: nonNeg(
      'web length scrapped after every (re)start (thermal re-equilibration of the heated nips), m (assumption)',
    ).default(1),
    edge_trim_mm: nonNeg('minimum edge trim per side, mm').default(0),
    line_data: z
      .string()
      .min(1)
      .optional()
      .describe(
        'CSV of measured series (time_s, station, force_N, temperature_C, thickness_um) that replace the simulated ' +
          'variability; a path relative to the recipe file (`rollcell run --line-data` overrides it)',
      ),
    splice: z
      .object({
        mode: z
          .enum(['zero_speed', 'flying', 'manual'])
          .default('zero_speed')
          .describe(
            'zero-speed splice with festoon, flying splice, or manual roll change with a line stop (process-models §3.2)',
          ),
        time_s: pos('time for the expiring roll to be stopped and taped to the new roll, s (assumption)').default(40),
        festoon_s: nonNeg(
          'festoon storage in seconds of line at set speed (30–60 s, process-models §3.2, V jaynn.com)',
        ).default(45),
        scrap_length_m: nonNeg(
          'web length cut out around each splice (0.5–3 m, process-models §3.2, A); 0 = not cut out: cells with the joint are scrapped',
        ).default(1.5),
        roll_change_min: pos('manual roll change downtime, min (5–15 min, process-models §3.2, A)').default(10),
      })
      .strict()
      .default({ mode: 'zero_speed', time_s: 40, festoon_s: 45, scrap_length_m: 1.5, roll_change_min: 10 }),
    breakdowns: z
      .object({
        mtbf_h: nonNeg('mean time between unplanned stops, h (0 = none)').default(0),
        mttr_min: pos('mean time to repair, min').default(15),
      })
      .strict()
      .default({ mtbf_h: 0, mttr_min: 15 }),
    spans_m: z
      .object({
        to_222: pos('unwinder → station 222 span, m').default(2),
        '222_236': pos('station 222 → 236 span, m').default(2),
        '236_240': pos('station 236 → 240 span, m').default(2),
        '240_cutter': pos('station 240 → cutter (through the alloying dwell festoon/wind-up), m').default(3),
      })
      .strict()
      .default({ to_222: 2, '222_236': 2, '236_240': 2, '240_cutter': 3 }),
    tension_N_per_m: z
      .object({
        first_sheet: nonNeg('unwind tension of the cathode|SE composite web, N/m (assumption)').default(50),
        al_sheet: nonNeg('unwind tension of the Al sheet, N/m (assumption)').default(50),
        third_sheet: nonNeg('unwind tension of the Li-on-Cu sheet, N/m (assumption)').default(150),
        laminate: nonNeg('tension of the laminate after station 240, N/m (assumption)').default(200),
      })
      .strict()
      .default({ first_sheet: 50, al_sheet: 50, third_sheet: 150, laminate: 200 }),
    lots: z
      .object({
        first_sheet: z.string().min(1).default('LOT-CAT'),
        al_sheet: z.string().min(1).default('LOT-AL'),
        third_sheet: z.string().min(1).default('LOT-LICU'),
        rolls_per_lot: z.number().int().gte(1).default(10),
      })
      .strict()
      .default({ first_sheet: 'LOT-CAT', al_sheet: 'LOT-AL', third_sheet: 'LOT-LICU', rolls_per_lot: 10 }),
    serial_prefix: z.string().min(1).default('RC').describe('prefix of cell serials (DMC content)'),
    spc: z
      .object({
        subgroup_size: z.number().int().gte(2).lte(10).default(5),
        ewma_lambda: num('EWMA weight λ (Montgomery §9.2: 0.05–0.25)').gt(0).lte(1).default(0.2),
        ewma_L: pos('EWMA limit width L in σ (Montgomery §9.2: ≈ 3)').default(3),
      })
      .strict()
      .default({ subgroup_size: 5, ewma_lambda: 0.2, ewma_L: 3 }),
    cost: z
      .object({
        prices_usd_per_kg: z
          .record(z.string(), pos('material price, $/kg'))
          .default({})
          .describe('overrides of the default material prices, by material id'),
        labour_usd_per_h: pos('direct labour rate, $/h').default(35),
        operators: pos('operators on the line per shift').default(3),
        capex_usd: nonNeg('installed capital of the line, $').default(5e6),
        depreciation_years: pos('straight-line depreciation period, years').default(10),
        interest_pct: nonNeg('cost of capital for the capital recovery factor, %/yr').default(8),
        operating_h_per_year: pos('scheduled operating hours per year').default(6000),
        line_power_kW: nonNeg('electrical power of the line (drives, heated nips, dry room share), kW').default(60),
        electricity_usd_per_kWh: nonNeg('electricity price, $/kWh').default(0.1),
      })
      .strict()
      .default({
        prices_usd_per_kg: {},
        labour_usd_per_h: 35,
        operators: 3,
        capex_usd: 5e6,
        depreciation_years: 10,
        interest_pct: 8,
        operating_h_per_year: 6000,
        line_power_kW: 60,
        electricity_usd_per_kWh: 0.1,
      }),
    fidelity: z
      .enum(['full', 'linear'])
      .default('full')
      .describe(
        'per-cell line physics: full station physics for every cell, or a first-order surrogate (Jacobian by finite differences at run start)',
      ),
  })
  .strict();

export type Production = z.output<typeof productionSchema>;
