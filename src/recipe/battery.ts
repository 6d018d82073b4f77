/**
 * Battery settings beyond the recipe's `battery: {series, parallel, application,
 * interconnect_resistance_mOhm}` block (`battery.extras`, part of the recipe schema in ./schema.ts);
 * `battery/config.ts` `parseBatteryExtras({})` gives the defaults. Every default carries its source or
 * "assumption".
 */
import { z } from 'zod';

const pos = (d: string): z.ZodNumber => z.number().finite().gt(0).describe(d);
const nonneg = (d: string): z.ZodNumber => z.number().finite().gte(0).describe(d);

export const vehicleSchema = z
  .object({
    // Compact BEV road-load values (assumption, of the order of the ANL Autonomie / EPA test-car
    // coefficient database for a C-segment BEV, e.g. EPA "Test Car List" target coefficients)
    mass_kg: pos('test mass incl. driver, kg').default(1600),
    rolling_resistance: nonneg('rolling-resistance coefficient Crr (-)').default(0.009),
    drag_area_m2: nonneg('Cd·A, m² (Cd 0.28 × A 2.3 m²)').default(0.65),
    rotating_mass_factor: z.number().gte(1).default(1.05).describe('equivalent-mass factor for rotating parts (-)'),
    drivetrain_efficiency: z
      .number()
      .gt(0)
      .lte(1)
      .default(0.9)
      .describe('battery → wheel efficiency (motor + inverter + gear), -'),
    regen_fraction: z
      .number()
      .gte(0)
      .lte(1)
      .default(0.6)
      .describe('fraction of the braking power at the wheel that regenerative braking recovers, -'),
    auxiliary_power_W: nonneg('auxiliary load on the pack, W').default(300),
    air_density_kg_m3: pos('air density, kg/m³ (ISA sea level 1.225)').default(1.225),
    /** net battery energy per distance used to scale the built-in UDDS/US06 current shapes (see profiles.ts) */
    consumption_Wh_per_km: z
      .object({
        UDDS: pos('battery energy per km on UDDS, Wh/km').default(120),
        US06: pos('battery energy per km on US06, Wh/km').default(180),
      })
      .strict()
      .default({ UDDS: 120, US06: 180 }),
    /** multiplier on the WLTC power profile (PyBaMM's WLTC power trace, ≈127 Wh/km) */
    wltc_power_scale: pos('scale on the WLTC power profile, -').default(1),
  })
  .strict();

export const spreadSchema = z
  .object({
    // cell-to-cell spread of fresh cells: capacity σ/μ ≈ 0.3–1 %, resistance σ/μ ≈ 1–4 % in the
    // measurements of Schuster et al., J. Power Sources 297 (2015) 242, doi:10.1016/j.jpowsour.2015.08.001
    // (484 new 18650 cells; U). Defaults inside those ranges.
    capacity_sigma_pct: nonneg('σ of cell capacity, % of the design cell').default(1),
    resistance_sigma_pct: nonneg('σ of cell interfacial/contact resistance, % of the design cell').default(3),
  })
  .strict();

export const thermalSchema = z
  .object({
    enabled: z.boolean().default(true),
    ambient_C: z
      .number()
      .finite()
      .gte(-60)
      .lte(100)
      .default(25)
      .describe('ambient / coolant temperature, °C (−60 … 100)'),
    // c_p of Li-ion/SSB cells ≈ 0.9–1.1 kJ kg⁻¹ K⁻¹ (Maleki et al., J. Electrochem. Soc. 146 (1999) 947, U)
    heat_capacity_J_kgK: pos('cell specific heat, J/(kg·K) (100 … 5000)').gte(100).lte(5000).default(1000),
    // h over both cell faces to the pack air/coolant: assumption (forced air 10–50 W m⁻² K⁻¹)
    h_W_m2K: nonneg('heat-transfer coefficient cell → coolant, W/(m²·K)').default(20),
    // cell-to-cell conduction through the stack faces and busbars: assumption
    neighbour_conductance_W_K: nonneg('conductance between neighbouring cells, W/K').default(0.5),
  })
  .strict();

export const bmsSchema = z
  .object({
    /** cell voltage limits; default: the cell model's window (cycling cut-offs, [0178]) */
    cell_v_min_V: pos('lowest cell voltage, V').optional(),
    cell_v_max_V: pos('highest cell voltage, V').optional(),
    // passive balancing: 39 Ω bleed ≈ 100 mA at 3.9 V, the usual 50–200 mA of passive balancing ICs (assumption)
    bleed_resistance_ohm: pos(
      'bleed resistor across each parallel group, Ω (≥ 1: passive balancing bleeds tens to hundreds of mA)',
    )
      .gte(1)
      .default(39),
    balance_threshold_mV: pos('bleed a group whose voltage exceeds the lowest group by more than this, mV').default(5),
    balancing: z.boolean().default(true),
  })
  .strict();

export const batteryExtrasSchema = z
  .object({
    /** unit cells (the recipe's layer stack, width × length) stacked in parallel inside one pouch cell; assumption */
    cell_layers: z.number().int().gte(1).default(40).describe('unit cells stacked in parallel inside one cell (-)'),
    /** cell-to-pack mass and volume ratios: Löbberding et al., World Electr. Veh. J. 11 (2020) 77,
     * doi:10.3390/wevj11040077 (typical 0.6–0.75 mass, 0.4–0.6 volume; U) */
    cell_to_pack_mass_ratio: z.number().gt(0).lte(1).default(0.7),
    cell_to_pack_volume_ratio: z.number().gt(0).lte(1).default(0.5),
    initial_soc: z
      .number()
      .gte(0)
      .lte(1)
      .optional()
      .describe('state of charge at the start (default 1 for EV, 0.5 for storage)'),
    years: z.number().gte(0).lte(30).default(10).describe('horizon of the capacity-after-N-years estimate'),
    vehicle: vehicleSchema.default(vehicleSchema.parse({})),
    spread: spreadSchema.default(spreadSchema.parse({})),
    thermal: thermalSchema.default(thermalSchema.parse({})),
    bms: bmsSchema.default(bmsSchema.parse({})),
    solar: z
      .object({
        latitude_deg: z.number().gte(-66).lte(66).default(35),
        day_of_year: z.number().int().gte(1).lte(366).default(172),
        pv_peak_kW: pos('PV array rating at 1000 W/m², kW').optional(),
        /** cloud noise: σ of the clear-sky index's AR(1) process and its 1-step correlation (assumption) */
        cloud_sigma: z.number().gte(0).lte(1).default(0.15),
        evening_load_kW: pos('household evening load, kW').optional(),
      })
      .strict()
      .default({ latitude_deg: 35, day_of_year: 172, cloud_sigma: 0.15 }),
    wind: z
      .object({
        // Weibull k = 2 (Rayleigh) and c = 7 m/s: typical onshore hub-height values (assumption; IEC 61400-1 class III mean 7.5 m/s)
        weibull_k: pos('Weibull shape').default(2),
        weibull_c_m_s: pos('Weibull scale, m/s').default(7),
        rated_kW: pos('turbine rated power, kW').optional(),
        cut_in_m_s: pos('cut-in speed, m/s').default(3),
        rated_m_s: pos('rated speed, m/s').default(12),
        cut_out_m_s: pos('cut-out speed, m/s').default(25),
        grid_export_kW: nonneg('constant export the storage serves, kW').optional(),
      })
      .strict()
      .refine((w) => w.cut_in_m_s < w.rated_m_s && w.rated_m_s < w.cut_out_m_s, {
        message: 'turbine speeds must satisfy cut_in_m_s < rated_m_s < cut_out_m_s',
        path: ['rated_m_s'],
      })
      .default({ weibull_k: 2, weibull_c_m_s: 7, cut_in_m_s: 3, rated_m_s: 12, cut_out_m_s: 25 }),
  })
  .strict();

export type BatteryExtras = z.output<typeof batteryExtrasSchema>;
export type BatteryExtrasInput = z.input<typeof batteryExtrasSchema>;
export type Vehicle = z.output<typeof vehicleSchema>;
