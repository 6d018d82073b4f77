/**
 * Ageing against published data (issue 16): every point of data/ageing/datasets.json with the model's
 * retention at the recorded parameter values (data/ageing/mechanisms.json), its residual and its source,
 * labelled FITTED (scripts/fit-ageing.ts fitted the ageing laws to it) or PREDICTED (held out: the fit
 * never saw it). The held-out cell's stack pressure is not published: its prediction is also given over
 * the assumed pressure range, and the band over the ageing parameters' ranges (seeded sampling).
 * Prints `name: value unit` lines; the pass mark is ± 5 points (issue 16 item 3).
 */
import { fileURLToPath } from 'node:url';
import { ageingDatasets } from '../src/electrochem/ssb/ageing-data.ts';
import { defaultAgeingValues } from '../src/electrochem/ssb/ageing.ts';
import { ageingBand } from '../src/electrochem/ssb/ageing-band.ts';
import { conditionsOf, datasetCell, evaluateDatasets, retentionAt } from './ageing-datasets.ts';

export interface AgeingValidationRow {
  readonly id: string;
  readonly role: 'fitted' | 'held-out';
  readonly cycles: number;
  readonly stackPressure_MPa: number;
  readonly model_pct: number;
  readonly published_pct: number;
  readonly residual_pts: number;
  readonly pass: boolean;
  readonly source: string;
}

export function validateAgeing(): AgeingValidationRow[] {
  const sets = ageingDatasets();
  return evaluateDatasets(defaultAgeingValues()).map((q) => {
    const d = sets.find((x) => x.id === q.dataset)!;
    return {
      id: q.dataset,
      role: q.role,
      cycles: q.cycles,
      stackPressure_MPa: q.stackPressure_MPa,
      model_pct: q.model_pct,
      published_pct: q.published_pct,
      residual_pts: q.residual_pts,
      pass: Math.abs(q.residual_pts) <= 5,
      source: `${d.citation}${d.doi ? `, doi:${d.doi}` : ' (DOI not in the stored copy)'} — ${d.points.find((p) => p.cycles === q.cycles)?.where ?? ''}; read in ${d.readIn}; conditions: ${Object.entries(
        d.conditions,
      )
        .map(([k, c]) => `${k} ${c.value}${c.range ? ` (${c.range[0]}–${c.range[1]})` : ''}: ${c.note}`)
        .join('; ')}`,
    };
  });
}

const entry = process.argv[1] ?? '';
const direct = entry && fileURLToPath(import.meta.url) === entry;
const viaValidate = entry.endsWith('validate.ts');
if (direct || viaValidate) {
  console.log('\n## Ageing: published retention, fitted and predicted (scripts/validate-ageing.ts)');
  const rows = validateAgeing();
  for (const r of rows)
    console.log(
      `${r.id} [${r.role === 'fitted' ? 'FITTED' : 'PREDICTED, held out'}] ${r.cycles} cycles @ ${r.stackPressure_MPa} MPa: model ${r.model_pct.toFixed(1)} % vs published ${r.published_pct} % — residual ${r.residual_pts >= 0 ? '+' : ''}${r.residual_pts.toFixed(1)} points ${r.pass ? 'PASS' : 'FAIL'} (± 5)`,
    );
  for (const d of ageingDatasets().filter((x) => x.role === 'held-out')) {
    const c = d.conditions.stack_pressure_MPa;
    if (!c.range) continue;
    for (const pt of d.points) {
      const at = c.range.map((P) => retentionAt(conditionsOf(d, P), defaultAgeingValues(), [pt.cycles])[0]!);
      console.log(
        `${d.id}_pressure_range: ${at[0]!.toFixed(1)}–${at[1]!.toFixed(1)} % at ${c.range[0]}–${c.range[1]} MPa (assumed; published ${pt.retention_pct} %)`,
      );
      const cond = conditionsOf(d);
      const p = datasetCell(cond, defaultAgeingValues());
      const b = ageingBand(p, {
        cycles: pt.cycles,
        cRate: cond.cRate,
        cutoffs: { vMax_V: p.vMax_V, vMin_V: p.vMin_V },
        endOfLifeRetention: 0,
        samples: 8,
        seed: 1,
      });
      console.log(
        `${d.id}_band_over_parameters: ${(b.retention.low * 100).toFixed(1)}–${(b.retention.high * 100).toFixed(1)} % (median ${(b.retention.median * 100).toFixed(1)}, 8 seeded samples; published ${pt.retention_pct} % ${b.retention.low * 100 <= pt.retention_pct && pt.retention_pct <= b.retention.high * 100 ? 'inside' : 'OUTSIDE'})`,
      );
    }
  }
  const rms = (rr: AgeingValidationRow[]): number =>
    Math.sqrt(rr.reduce((s, r) => s + r.residual_pts ** 2, 0) / Math.max(1, rr.length));
  console.log(`ageing_fitted_rms_residual: ${rms(rows.filter((r) => r.role === 'fitted')).toFixed(2)} points`);
  console.log(`ageing_held_out_rms_residual: ${rms(rows.filter((r) => r.role === 'held-out')).toFixed(2)} points`);
  for (const r of rows) console.log(`- [${r.id}] source: ${r.source}`);
}
