// Production campaigns on the embedded SQLite: per-cell genealogy stored as rows and joined across
// whole-roll shards (roll ids, MD positions), queryable by `runs campaign`; campaign-wide control charts
// (three-way chart of the Al-roll means) and capability against the recipe's spec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PATENT_YAML, cli, testDir } from '../helpers.ts';
import { summariseCampaign, type ShardResult } from '../../src/jobs/campaign.ts';
import { openStore, CampaignStore } from '../../src/store/index.ts';

const dir = testDir('rollcell-campaign-');
const recipe = join(dir, 'r.yaml');
// rolls of 10, 20 and 5 m: shards of 20 m of laminate, 5 shards for 1000 cell positions
writeFileSync(
  recipe,
  PATENT_YAML.replace(/roll_length_m: \{[^}]*\}/, 'roll_length_m: { first_sheet: 10, al_sheet: 20, third_sheet: 5 }'),
);
const db = join(dir, 'c.db');

interface Summary {
  cells_total: number;
  rolls: Record<string, number>;
  anode_thickness_um: { mean: number; sd: number };
  spc: {
    anode_thickness_um: {
      rolls: string[];
      n: number[];
      capability: { n: number; ppk: number | null; usl: number | null; lsl: number | null; sigma_overall: number };
    };
  };
}

test('a campaign stores every cell with its campaign roll ids; the cells of a roll are found across shards, and the campaign-wide Ppk is that of the stored cells', async () => {
  const r = await cli(['run', recipe, '--campaign', '1000', '--db', db, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { campaign_id: string; summary: Summary };
  const s = out.summary;
  const sql = new Database(db, { readonly: true });
  try {
    const rows = sql
      .prepare(
        'select serial, shard, al_rolls, fs_rolls, lc_rolls, anode_thickness_um from campaign_cells where campaign_id = ?',
      )
      .all(out.campaign_id) as { serial: string; shard: number; al_rolls: string; anode_thickness_um: number }[];
    assert.equal(rows.length, s.cells_total, 'one row per cell made');
    assert.equal(new Set(rows.map((x) => x.serial)).size, rows.length, 'serials are unique across shards');
    // 5 Al rolls of 20 m, one per shard, numbered through the campaign
    assert.deepEqual([...new Set(rows.map((x) => x.al_rolls))].sort(), [
      'AL-000001',
      'AL-000002',
      'AL-000003',
      'AL-000004',
      'AL-000005',
    ]);
    // the chart's points are those rolls, each with the cells the rows give it
    const chart = s.spc.anode_thickness_um;
    assert.deepEqual(chart.rolls, ['AL-000001', 'AL-000002', 'AL-000003', 'AL-000004', 'AL-000005']);
    assert.deepEqual(
      chart.n,
      chart.rolls.map((id) => rows.filter((x) => x.al_rolls === id).length),
    );
    // Ppk from the stored cells themselves (two-pass sample σ) equals the campaign's (moments joined over shards)
    const xs = rows.map((x) => x.anode_thickness_um);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
    const cap = chart.capability;
    assert.equal(cap.n, xs.length);
    assert.ok(Math.abs(cap.sigma_overall - sd) < 1e-9 * sd, 'Math.abs(cap.sigma_overall - sd) < 1e-9 * sd');
    const parts = [cap.usl, cap.lsl].filter((v) => v !== null) as number[];
    assert.ok(parts.length > 0, 'the patent recipe has anode thickness limits');
    const ppk = Math.min(
      ...(cap.usl !== null ? [(cap.usl - mean) / (3 * sd)] : []),
      ...(cap.lsl !== null ? [(mean - cap.lsl) / (3 * sd)] : []),
    );
    assert.ok(Math.abs(cap.ppk! - ppk) < 1e-6 * Math.abs(ppk), `${cap.ppk} vs ${ppk}`);

    // a third-sheet roll of 5 m: its cells are found by `runs campaign --roll`, with MD positions on that roll
    const lc = rows.filter((x) => (x as unknown as { lc_rolls: string }).lc_rolls === 'LC-000014');
    assert.ok(lc.length > 0, 'lc.length > 0');
    const q = await cli(['runs', 'campaign', out.campaign_id.slice(0, 6), '--db', db, '--roll', 'LC-000014', '--json']);
    assert.equal(q.code, 0, q.stderr);
    const got = JSON.parse(q.stdout) as { cells: { serial: string; shard: number; md_m: { third_sheet: number } }[] };
    assert.deepEqual(got.cells.map((c) => c.serial).sort(), lc.map((c) => c.serial).sort());
    // LC-000014 is the 14th 5-m roll: laminate 65–70 m, in shard 3 (60–80 m), 0–5 m along the roll
    for (const c of got.cells) {
      assert.equal(c.shard, 3);
      assert.ok(c.md_m.third_sheet >= 0 && c.md_m.third_sheet < 5, String(c.md_m.third_sheet));
    }
    const one = await cli(['runs', 'campaign', out.campaign_id, '--db', db, '--cell', got.cells[0]!.serial]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /third_sheet\s+LC-000014/);
    const bad = await cli(['runs', 'campaign', out.campaign_id, '--db', db, '--cell', 'nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--cell: campaign c[0-9a-f]+ has no such cell \(got "nope"/);
  } finally {
    sql.close();
  }

  // a shard stored twice (a re-run after a lost lease) leaves one shard row and one set of cells
  const store = await openStore(db);
  try {
    const cs = new CampaignStore(store);
    const before = await cs.countCells(out.campaign_id);
    const fake = { shard: 0, idx: 0, serial: 'X', lane: 0, s_m: 0, in_spec: true, cause: null, splice: false };
    await cs.saveShard(out.campaign_id, 0, { shard: 0 }, [
      {
        ...fake,
        rolls: { first_sheet: 'FS-000001', al_sheet: 'AL-000001', third_sheet: 'LC-000001' },
        md_m: { first_sheet: 0, al_sheet: 0, third_sheet: 0 },
        anode_thickness_um: 1,
        capacity_mAh: 1,
      },
    ]);
    assert.equal(await cs.countCells(out.campaign_id), before);
    assert.equal(await cs.countShards(out.campaign_id), 5);
  } finally {
    await store.close();
  }
});

test('the campaign-wide chart of roll means: limits from the moving range, a shifted roll flagged, three-way capability', () => {
  const m = (xs: number[]) => ({
    n: xs.length,
    sum: xs.reduce((a, b) => a + b, 0),
    sum2: xs.reduce((a, b) => a + b * b, 0),
  });
  // rolls with means 10, 12, 10, 12, 10, 12 (each two cells ±1 around the mean) and one at 30
  const means = [10, 12, 10, 12, 10, 12, 30];
  const seg = (i: number) => {
    const x = m([means[i]! - 1, means[i]! + 1]);
    return {
      roll_id: `AL-${String(i + 1).padStart(6, '0')}`,
      anode_thickness_um: x,
      cell_thickness_um: x,
      capacity_mAh: x,
    };
  };
  const shard = (k: number, idx: number[]): ShardResult => ({
    shard: k,
    seed: k,
    cells_total: 2 * idx.length,
    cells_in_spec: 2 * idx.length,
    web_length_m: 1,
    duration_s: 1,
    scrap_by_cause: {},
    anode_thickness_um: m([]),
    capacity_mAh: m([]),
    rolls: [],
    splices: [],
    segments: idx.map(seg),
    lanes_spc: [{ lane: 0, ...seg(idx[0]!), roll_id: undefined } as never],
  });
  const lim = { lsl: 0, usl: 60 };
  const s = summariseCampaign([shard(1, [4, 5, 6]), shard(0, [0, 1, 2, 3])], {
    anode_thickness_um: lim,
    cell_thickness_um: lim,
    capacity_mAh: {},
  });
  const ch = s.spc!.anode_thickness_um!;
  assert.deepEqual(ch.means, means, 'in laminate order across shards');
  // moving ranges 2,2,2,2,2,18: MR̄ = 28/6; centre 96/7; σ̂ = MR̄/1.128
  assert.ok(Math.abs(ch.mr_bar - 28 / 6) < 1e-12, 'Math.abs(ch.mr_bar - 28 / 6) < 1e-12');
  assert.ok(Math.abs(ch.center - 96 / 7) < 1e-12, 'Math.abs(ch.center - 96 / 7) < 1e-12');
  assert.ok(
    Math.abs(ch.ucl - (96 / 7 + (3 * 28) / 6 / 1.128)) < 1e-12,
    'Math.abs(ch.ucl - (96 / 7 + (3 * 28) / 6 / 1.128)) < 1e-12',
  );
  assert.deepEqual(ch.out_of_control, ['AL-000007']);
  assert.deepEqual(ch.mr_out_of_control, ['AL-000007'], 'MR 18 > 3.267 × 28/6');
  // within-roll σ: every roll has s = √2; overall σ from all 14 cells
  assert.ok(
    Math.abs(ch.capability.sigma_within! - Math.SQRT2) < 1e-12,
    'Math.abs(ch.capability.sigma_within! - Math.SQRT2) < 1e-12',
  );
  const all = means.flatMap((x) => [x - 1, x + 1]);
  const mu = all.reduce((a, b) => a + b, 0) / all.length;
  const sd = Math.sqrt(all.reduce((a, b) => a + (b - mu) ** 2, 0) / (all.length - 1));
  assert.ok(
    Math.abs(ch.capability.ppk! - Math.min(60 - mu, mu) / (3 * sd)) < 1e-9,
    'Math.abs(ch.capability.ppk! - Math.min(60 - mu, mu) / (3 * sd)) < 1e-9',
  );
  assert.ok(
    Math.abs(ch.capability.cp! - 60 / (6 * Math.SQRT2)) < 1e-12,
    'Math.abs(ch.capability.cp! - 60 / (6 * Math.SQRT2)) < 1e-12',
  );
  assert.equal(s.spc!.capacity_mAh!.capability.ppk, null, 'no spec, no index');
});
