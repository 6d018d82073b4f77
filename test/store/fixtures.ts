/**
 * Test fixtures for the store: realistic-looking run inputs (shapes of CONTRACT.md's RunOutput,
 * cell genealogy, cycles, series). Values are arbitrary but deterministic (seeded), and include
 * numbers that do not round-trip through 32-bit floats or short decimal strings, so exactness is
 * really tested.
 */
import type { CellRecord, CycleRecord, RunOutput, RunRecordInput, TimeSeriesRecord } from '../../src/store/types.ts';
import { mulberry32 } from '../support/mulberry32.ts';

/** mulberry32: small deterministic PRNG for fixtures. */
export const rng = mulberry32;

export function makeOutput(seed: number, overrides: Partial<Record<string, number>> = {}): RunOutput {
  const r = rng(seed);
  const force0 = 12000 + r() * 1000; // drawn even when overridden, so other values do not shift
  const force = overrides.force_N ?? force0;
  return {
    rollcell_version: '0.1.0',
    run_id: '',
    design: {
      cell: { thickness_um: 98.7 + r() * 1e-3, area_cm2: 100, mass_g: 2.345678901234567 },
      cathode: { active_mass_mg_cm2: 20.1, areal_capacity_mAh_cm2: 4.0 + r() / 3 },
      anode: { al_thickness_um: 20, li_thickness_um: 10, li_al_molar_ratio: 0.71234 },
      np_ratio: 1.1 + r() * 0.01,
      specific_energy_Wh_kg: ((e) => overrides.specific_energy_Wh_kg ?? e)(380 + r() * 10),
      energy_density_Wh_L: 900 + r() * 50,
    },
    line: {
      stations: (['222', '236', '240'] as const).map((id, i) => ({
        id,
        force_N: i === 2 ? force : 5000 + i * 1000 + r(),
        temperature_C: 25 + i * 40,
        peak_pressure_MPa: 50 + r() * 100,
        bonded: i !== 1,
        layers: [{ name: 'anode', thickness_in_um: 30, thickness_out_um: 28 - r() }],
      })),
      anode: {
        thickness_um: 27.5,
        li_diffusivity_cm2_s: 1.234e-9 * (1 + r()),
        alloying_complete_s: 3600 * r(),
        free_li_um: 0,
        al_fractions: { Al: 0.1, LiAl: 0.9, Li3Al2: 0, Li9Al4: 0 },
      },
      crack: { sandwiched: { risk: 0.05 }, free_standing: { risk: 0.6 } },
    },
    production: {
      cells_total: 1000,
      cells_in_spec: 950 + Math.floor(r() * 40),
      yield_pct: overrides.yield_pct ?? 96.5,
    },
    cycling: {
      charge_capacity_mAh_g: 200 + r(),
      discharge_capacity_mAh_g: 190 + r(),
      coulombic_efficiency: 0.951 + r() * 0.01,
      volume_expansion_rate_pct: 3.3,
    },
    claims: [
      { claim: 1, verdict: 'met', elements: [{ id: '1a', text: 'x', verdict: 'met', evidence: 'y' }] },
      { claim: 2, verdict: 'not met', elements: [] },
    ],
    report: 'out/report.html',
  };
}

export function makeCells(n: number, seed: number): CellRecord[] {
  const r = rng(seed);
  const cells: CellRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const thickness = 98 + r() * 2;
    cells[i] = {
      serial: `R${String(Math.floor(i / 5000) + 1).padStart(2, '0')}-${String(i).padStart(6, '0')}`,
      verdict: thickness < 99.8 ? 'in_spec' : 'out_of_spec',
      genealogy: {
        roll: Math.floor(i / 5000) + 1,
        segment: Math.floor(i / 50),
        position_m: i * 0.1 + r() * 1e-3,
        splice: i % 977 === 0,
      },
      thickness_um: thickness,
      mass_g: 2.3 + r() * 0.1,
      capacity_mAh: 400 + r() * 10,
      specific_energy_Wh_kg: 380 + r() * 5,
      extra: { defects: i % 101 === 0 ? ['pinhole'] : [] },
    };
  }
  return cells;
}

export function makeCycles(n: number, seed: number): CycleRecord[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const charge = 0.4 - i * 1e-5 + r() * 1e-4;
    const discharge = charge * (0.99 + r() * 0.009);
    return {
      cycle: i + 1,
      charge_Ah: charge,
      discharge_Ah: discharge,
      coulombic_efficiency: discharge / charge,
      charge_Wh: charge * 3.9,
      discharge_Wh: discharge * 3.7,
    };
  });
}

export function makeSeries(points: number, seed: number): TimeSeriesRecord[] {
  const r = rng(seed);
  const t = Array.from({ length: points }, (_, i) => i * 10);
  return [
    { name: 'cycle-1', columns: { t_s: t, voltage_V: t.map(() => 3 + r()), current_A: t.map(() => -0.4 * r()) } },
    { name: 'temperature', columns: { t_s: t, temperature_C: t.map(() => 25 + r()) } },
  ];
}

export const RECIPE_TEXT = `# rollcell recipe (fixture)
cell:
  format: pouch
  area_cm2: 100
stations:
  '240':
    force_N: 12000
`;

export function makeInput(
  seed: number,
  opts: { cells?: number; cycles?: number; points?: number; recipeText?: string } = {},
): RunRecordInput {
  const recipeText = opts.recipeText ?? RECIPE_TEXT;
  return {
    recipeText,
    recipe: {
      cell: { format: 'pouch', area_cm2: 100 },
      stations: { '240': { force_N: 12000 } },
      text_length: recipeText.length,
    },
    seed,
    output: makeOutput(seed),
    cells: makeCells(opts.cells ?? 20, seed + 1),
    cycles: makeCycles(opts.cycles ?? 5, seed + 2),
    timeSeries: makeSeries(opts.points ?? 50, seed + 3),
  };
}
