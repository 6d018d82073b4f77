/** The readable summary `rollcell run` prints (aligned tables with units). */
import type { Recipe } from '../recipe/schema.ts';
import type { JobResult } from '../pipeline.ts';
import { kv, table } from './table.ts';
import { formatClaimChart } from '../claims/index.ts';

export function formatSummary(recipe: Recipe, res: JobResult): string {
  const d = res.output.design;
  const parts: string[] = [];
  parts.push(`rollcell ${res.output.rollcell_version} — ${recipe.name}${res.output.run_id ? `  (run ${res.output.run_id})` : ''}`);
  parts.push(
    table(
      ['layer (FIG. 1/2)', 'material', 'thickness µm', 'areal mass mg/cm²', 'porosity %'],
      (d.cell['layers'] as { name: string; material: string; thickness_um: number; areal_mass_mg_cm2: number; porosity_pct: number }[]).map((l) => [
        l.name, l.material, l.thickness_um, l.areal_mass_mg_cm2, l.porosity_pct,
      ]),
      '\nDesign — layer stack as supplied (before the nips)',
    ),
  );
  parts.push(
    kv(
      [
        ['cell thickness', d.cell.thickness_um, 'µm'],
        ['cell area', d.cell.area_cm2, 'cm²'],
        ['cell mass', d.cell.mass_g, 'g'],
        ['cathode active loading', d.cathode.active_mass_mg_cm2, 'mg/cm²'],
        ['cathode areal capacity', d.cathode.areal_capacity_mAh_cm2, 'mAh/cm²'],
        ['cell capacity (design)', d.cell['capacity_mAh'] as number, 'mAh'],
        ['Al thickness', d.anode.al_thickness_um, 'µm'],
        ['Li thickness', d.anode.li_thickness_um, 'µm'],
        ['Li:Al molar ratio', d.anode.li_al_molar_ratio, 'mol/mol'],
        ['N/P (Al→LiAl host / cathode)', d.np_ratio, '—'],
        ['average voltage (design)', d.cell['average_voltage_V'] as number, 'V'],
        ['specific energy', d.specific_energy_Wh_kg, 'Wh/kg'],
        ['energy density', d.energy_density_Wh_L, 'Wh/L'],
      ],
      '\nDesign — figures',
    ),
  );
  if (res.windows.length) {
    parts.push(
      table(
        ['seed window', 'value', 'unit', 'window', 'inside', 'para.'],
        res.windows.map((w) => [w.quantity, w.value, w.unit, w.window, w.inside ? 'yes' : 'NO', w.paragraph]),
        '\nThe seed\'s preferred windows',
      ),
    );
  }
  if (res.output.claims) parts.push('\nClaim chart (US 2025/0266422 A1)\n' + formatClaimChart(res.output.claims));
  if (res.warnings.length) parts.push('\nWarnings:\n' + res.warnings.map((w) => `  - ${w}`).join('\n'));
  return parts.join('\n');
}
