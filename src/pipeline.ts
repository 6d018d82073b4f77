/**
 * The main job (DESIGN.md's one flow): recipe → design → line → cells → cycling → claims.
 * Pure composition of the physics folders; the CLI adds storage and the report.
 */
import type { Recipe } from './recipe/schema.ts';
import type { RunOutput } from './contract.ts';
import { designBlock, designCell, type CellDesign } from './design/index.ts';
import { checkWindow, WINDOWS, type WindowCheck } from './recipe/windows.ts';
import { ROLLCELL_VERSION } from './version.ts';
import { evaluateClaims } from './claims/index.ts';
import type { ReportCycle, ReportTimeSeries } from './report/index.ts';

export interface JobOptions {
  seed?: number;
  runId?: string;
}

export interface JobResult {
  output: RunOutput;
  design: CellDesign;
  windows: WindowCheck[];
  warnings: string[];
  timeSeries: ReportTimeSeries[];
  cycles: ReportCycle[];
}

export function recipeWindowChecks(r: Recipe, d: CellDesign): WindowCheck[] {
  const out: WindowCheck[] = [
    checkWindow(WINDOWS.force_240, r.stations['240'].force_N),
    checkWindow(WINDOWS.force_236, r.stations['236'].force_N),
    checkWindow(WINDOWS.heating_240, r.stations['240'].temperature_C),
    checkWindow(WINDOWS.li_content, r.third_sheet.li_layer.li_wt_pct),
    checkWindow(WINDOWS.cell_thickness, d.thickness_m * 1e6),
    checkWindow(WINDOWS.stack_pressure, r.cell.stack_pressure_MPa),
    checkWindow(WINDOWS.charge_cutoff, r.cycling.charge_cutoff_V),
  ];
  return out;
}

export function runJob(recipe: Recipe, opts: JobOptions = {}): JobResult {
  const design = designCell(recipe);
  const windows = recipeWindowChecks(recipe, design);
  const warnings = windows.filter((w) => !w.inside).map((w) => `${w.quantity} ${w.value} ${w.unit} is outside the seed's window ${w.window} (${w.paragraph})`);
  const output: RunOutput = {
    rollcell_version: ROLLCELL_VERSION,
    run_id: opts.runId ?? '',
    design: designBlock(recipe, design),
    windows,
    warnings,
  };
  output.claims = evaluateClaims(recipe, output);
  return { output, design, windows, warnings, timeSeries: [], cycles: [] };
}
