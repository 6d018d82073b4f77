/**
 * The text summary gives the pack's formation loss with its band, and never prints a NaN when the run has no
 * formation loss (issue 16 item 5: every headline with its band; it printed `formation_loss_pct ?? NaN`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { runJob, type JobResult } from '../../src/pipeline.ts';
import { formatSummary } from '../../src/cli/summary.ts';
import { patentObject } from '../helpers.ts';

const r = patentObject();
r.cycling = { ...r.cycling, ageing_cycles: 0, rate_capability: false };
const p = parseRecipeText(stringify(r));
if (!p.ok) throw new Error(JSON.stringify(p.problems));
const recipe = p.recipe;
const base = runJob(recipe, { seed: 1 });

const battery = (ageing: Record<string, unknown>): JobResult =>
  ({
    ...base,
    output: {
      ...base.output,
      battery: {
        profile: 'ev:UDDS',
        pack: { series: 96, parallel: 2, voltage_min_V: 288, voltage_max_V: 413, capacity_C3_Ah: 12.8 },
        results: { soc_spread_max_pct: 1 },
        limiting_cell: { serial: 'C1', reason: 'lowest capacity' },
        ageing,
      },
    },
  }) as unknown as JobResult;

const band = {
  end_of_life_retention_pct: 80,
  samples: 8,
  seed: 1,
  years_to_end_of_life: { nominal: 9.2, low: 0.56, median: 8.9, high: null, horizon_years: 10 },
  formation_days: 59,
  formation_loss_pct: { nominal: 18.1, low: 7.7, median: 18.1, high: 43.7 },
  capacity_retention_pct_after_years: { nominal: 58.6, low: 0, median: 58.6, high: 84.1 },
  sensitivity: [{ parameter: 'anode_void_k', correlation: -0.9 }],
};

test('the summary prints the formation loss with its band', () => {
  const text = formatSummary(
    recipe,
    battery({
      years: 10,
      capacity_retention_pct_after_years: 58.6,
      formation_days: 59,
      formation_loss_pct: 18.1,
      band,
    }),
  );
  assert.match(
    text,
    /formation loss \(first 59 days; retention is of the capacity after it\)\s+18\.1 \(band 7\.7–43\.7\)\s+%/,
  );
});

test('a pack projection without a formation loss prints no formation row and no NaN', () => {
  const text = formatSummary(
    recipe,
    battery({ years: 10, capacity_retention_pct_after_years: 58.6, formation_days: 59 }),
  );
  assert.doesNotMatch(text, /NaN/);
  assert.doesNotMatch(text, /formation loss \(first/);
});
