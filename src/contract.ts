/**
 * The public JSON of `rollcell run --json` (../shared/CONTRACT.md, docs/CONTRACT.md) as ONE zod schema:
 * it gives the TypeScript types (`RunOutput`, `LineBlock`, …), the runtime check (`runOutputSchema`,
 * `checkRunOutput`) and the JSON Schema (`rollcell schema --output`, the server's OpenAPI document).
 * The recipe's schema (src/recipe/schema.ts) does the same for the input.
 *
 * Every name the contract lists is typed here with its unit in the name and its range where it has one
 * (a `risk` in [0, 1], `al_fractions` in [0, 1]). The top level is closed: a new block must be added here
 * (and to docs/CONTRACT.md) before a run may write it. Inside a block, fields beyond the contract's are
 * allowed (CONTRACT.md: "add freely") and kept as they are; they are not part of the contract until
 * they are named here. Never rename or remove a field without a deprecation note in the README.
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

export const designSchema = z
  .looseObject({
    cell: z
      .looseObject({ thickness_um: nonneg, area_cm2: nonneg, mass_g: nonneg })
      .describe('the cell as designed: stack thickness, electrode area, mass'),
    cathode: z.looseObject({ active_mass_mg_cm2: nonneg, areal_capacity_mAh_cm2: nonneg }),
    anode: z.looseObject({ al_thickness_um: nonneg, li_thickness_um: nonneg, li_al_molar_ratio: nonneg }),
    np_ratio: nonneg.describe('N/P ratio: anode over cathode areal capacity'),
    specific_energy_Wh_kg: nonneg,
    energy_density_Wh_L: nonneg,
  })
  .describe('the cell as designed from the recipe (before the line)');

export const stationLayerSchema = z.looseObject({
  name: z.string(),
  role: z
    .enum(LAYER_ROLES)
    .optional()
    .describe('what the layer is: cathode, electrolyte, collector, al, carrier, li, conductor, anode'),
  thickness_in_um: nonneg,
  thickness_out_um: nonneg,
});

export const stationSchema = z.looseObject({
  id: z.enum(['222', '236', '240']),
  force_N: num,
  temperature_C: num,
  peak_pressure_MPa: nonneg,
  bonded: z.boolean(),
  layers: z.array(stationLayerSchema),
});

const crackSchema = z.looseObject({
  risk: unit01.describe('probability-like, or driving force over resistance capped at 1'),
});

export const lineSchema = z
  .looseObject({
    stations: z.array(stationSchema),
    anode: z.looseObject({
      thickness_um: nonneg,
      li_diffusivity_cm2_s: nonneg,
      alloying_complete_s: z
        .union([z.literal(-1), nonneg])
        .describe('time to complete alloying, s; -1 when it does not complete'),
      free_li_um: nonneg.describe('thickness of Li metal left unalloyed (0 when all Li reacted)'),
      al_fractions: z
        .strictObject({ Al: unit01, LiAl: unit01, Li3Al2: unit01, Li9Al4: unit01 })
        .describe("fraction of the anode's Al atoms in each phase (α-Al counted as Al), summing to 1"),
    }),
    crack: z.looseObject({ sandwiched: crackSchema, free_standing: crackSchema }),
  })
  .describe('the line: stations 222 → 236 → 240, the prelithiated anode, cracking');

export const productionSchema = z
  .looseObject({
    cells_total: z.number().int().gte(0),
    cells_in_spec: z.number().int().gte(0),
    yield_pct: z.number().gte(0).lte(100),
  })
  .describe('the production shift');

export const cyclingSchema = z
  .looseObject({
    charge_capacity_mAh_g: num,
    discharge_capacity_mAh_g: num,
    coulombic_efficiency: num,
    volume_expansion_rate_pct: num,
  })
  .describe('the first cycle ([0178]) and the cycling that follows, on the produced cell');

export const VERDICTS = ['met', 'not met', 'not evaluable'] as const;
export const verdictSchema = z.enum(VERDICTS);

export const claimElementSchema = z.looseObject({
  id: z.string(),
  text: z.string(),
  verdict: verdictSchema,
  evidence: z.string(),
  paragraph: z.string().optional(),
});

export const claimResultSchema = z.looseObject({
  claim: z.number().int().gte(1),
  verdict: verdictSchema,
  elements: z.array(claimElementSchema),
});

export const windowCheckSchema = z.object({
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
    battery: z.record(z.string(), z.unknown()).optional().describe("the recipe's pack on its duty profile"),
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
