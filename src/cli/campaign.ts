/**
 * `rollcell run <recipe> --campaign N`: a production campaign of N cell positions, cut into whole-roll
 * shards (src/jobs/campaign.ts). With `--db postgres://…` the shards are enqueued for `rollcell worker`s
 * and followed live; with SQLite they run here, one after the other. Either way the shards are stored
 * under (campaign id, shard) and joined into the same summary; the same command resumes a campaign.
 */
import { ProblemError } from '../problems.ts';
import { parseDecimal } from '../io/decimal.ts';
import { numberFlag, parseLimit } from './input.ts';
import type { Recipe } from '../recipe/schema.ts';
import { CampaignStore, maskSpec, openStore, type StoredCampaign } from '../store/index.ts';
import { planCampaign, shardOfRoll, type CampaignSummary } from '../jobs/campaign.ts';
import { validateRecipeData } from '../recipe/parse.ts';
import { runCampaign } from '../jobs/campaign-coordinator.ts';
import { table, fmtNum } from './table.ts';
import type { Progress } from '../progress.ts';

export interface CampaignCommandOptions {
  db: string;
  seed: number;
  json?: boolean;
  leaseS?: string;
}

export function parseCampaignCells(v: string): number {
  const n = parseDecimal(v);
  if (!Number.isInteger(n) || n < 1 || n > 1e9)
    throw new ProblemError({
      path: '--campaign',
      problem: 'must be a whole number of cells',
      got: JSON.stringify(v),
      allowed: '1 … 1000000000 (e.g. 1000000)',
    });
  return n;
}

export async function campaignCommand(
  recipe: Recipe,
  recipeText: string,
  cells: number,
  o: CampaignCommandOptions,
  out: (s: string) => void,
  progress?: Progress,
): Promise<void> {
  const r = await runCampaign(recipe, recipeText, cells, {
    db: o.db,
    seed: o.seed,
    ...(o.leaseS === undefined ? {} : { leaseSeconds: numberFlag(o.leaseS, '--lease-s', 1, 86_400, true) }),
    onProgress: (done, total) => progress?.({ stage: 'production campaign', done, total, unit: 'shards' }),
    onNote: (line) => process.stderr.write(line + '\n'),
  });
  const { campaign_id: id, plan, summary, seconds, distributed } = r;
  if (o.json) {
    out(JSON.stringify({ campaign_id: id, plan, summary, seconds }, null, 2));
    return;
  }
  const s = summary;
  out(
    [
      `campaign ${id}: ${s.cells_total} cells in ${s.shards} shard(s) of ${plan.shard_length_m} m of laminate (whole rolls), ` +
        `${distributed ? 'on the workers of ' : 'here, stored in '}${maskSpec(o.db)}${r.resumed ? ', resumed' : ''}`,
      table(
        ['', 'value'],
        [
          ['cells in spec', `${s.cells_in_spec} (${fmtNum(s.yield_pct, 4)} %)`],
          ['laminate', `${fmtNum(s.web_length_m, 6)} m, ${fmtNum(s.line_time_h, 4)} h of line time`],
          [
            'anode thickness',
            s.anode_thickness_um.mean === null
              ? '—'
              : `${fmtNum(s.anode_thickness_um.mean, 4)} ± ${fmtNum(s.anode_thickness_um.sd ?? 0, 3)} µm`,
          ],
          [
            'capacity',
            s.capacity_mAh.mean === null
              ? '—'
              : `${fmtNum(s.capacity_mAh.mean, 5)} ± ${fmtNum(s.capacity_mAh.sd ?? 0, 3)} mAh`,
          ],
          [
            'rolls',
            Object.entries(s.rolls)
              .map(([k, v]) => `${k} ${v}`)
              .join(', '),
          ],
          ['lots', String(s.lots.length)],
          ['splices', String(s.splices)],
          ...spcRows(s),
          ['time', `${fmtNum(seconds, 3)} s (${fmtNum(s.cells_total / Math.max(seconds, 1e-9), 3)} cells/s)`],
        ],
      ),
    ].join('\n'),
  );
}

function spcRows(s: CampaignSummary): string[][] {
  const rows: string[][] = [];
  for (const [label, ch] of [
    ['anode thickness', s.spc?.anode_thickness_um],
    ['cell thickness', s.spc?.cell_thickness_um],
    ['capacity', s.spc?.capacity_mAh],
  ] as const) {
    if (!ch) continue;
    const c = ch.capability;
    const f = (x: number | null): string => (x === null ? '—' : fmtNum(x, 3));
    rows.push([
      `${label}: chart of ${ch.rolls.length} Al-roll means`,
      `${ch.out_of_control.length} out of control (limits ${fmtNum(ch.lcl, 5)} … ${fmtNum(ch.ucl, 5)}), ` +
        `Cpk ${f(c.cpk)}, Ppk ${f(c.ppk)}`,
    ]);
  }
  return rows;
}

/** `rollcell runs campaigns`: the stored campaigns, newest first. */
export async function campaignsList(db: string, limit: number, out: (s: string) => void): Promise<void> {
  const store = await openStore(db);
  try {
    const rows = await new CampaignStore(store).list(limit);
    if (rows.length === 0) return out(`no campaigns in ${maskSpec(db)}`);
    out(
      table(
        ['id', 'created', 'cells', 'shards', 'status'],
        rows.map((r) => [r.id, r.created_at.slice(0, 19), String(r.cells), `${r.shards_done}/${r.shards}`, r.status]),
      ),
    );
  } finally {
    await store.close();
  }
}

export interface CampaignShowOptions {
  db: string;
  cell?: string;
  roll?: string;
  json?: boolean;
  limit?: string;
}

/** the one shard that holds a roll, from the stored campaign's recipe and cells */
function shardHint(c: StoredCampaign, rollId: string): number | undefined {
  const v = validateRecipeData(JSON.parse(JSON.stringify(c.recipe)) as Record<string, unknown>);
  if (!v.ok) return undefined;
  return shardOfRoll(planCampaign(v.recipe, c.cells), rollId) ?? undefined;
}

/**
 * `rollcell runs campaign <id>`: the campaign's summary (control charts and capability), or with
 * `--cell <serial>` one cell's genealogy (its parent rolls with MD positions, lane, verdict), or with
 * `--roll <roll id>` the cells made from a roll (joined across shards: the campaign's roll ids).
 */
export async function campaignShow(id: string, o: CampaignShowOptions, out: (s: string) => void): Promise<void> {
  const limit = parseLimit(o.limit ?? '20'); // checked before the database is opened, whatever it is used for
  const store = await openStore(o.db);
  try {
    const cs = new CampaignStore(store);
    const c = await cs.find(id);
    if (o.cell !== undefined) {
      const cell = await cs.cell(c.id, o.cell);
      if (!cell)
        throw new ProblemError({
          path: '--cell',
          problem: `campaign ${c.id} has no such cell`,
          got: JSON.stringify(o.cell),
          allowed: 'a serial of one of its cells (rollcell runs campaign <id> --roll <roll id> lists them)',
        });
      if (o.json) return out(JSON.stringify({ campaign_id: c.id, ...cell }, null, 2));
      return out(
        [
          `cell ${cell.serial} of campaign ${c.id} (shard ${cell.shard}, lane ${cell.lane}, laminate ${fmtNum(cell.s_m, 7)} m): ` +
            (cell.in_spec ? 'in spec' : `out of spec (${cell.cause ?? '?'})`),
          table(
            ['sheet', 'parent roll(s)', 'MD position on the roll, m'],
            (['first_sheet', 'al_sheet', 'third_sheet'] as const).map((sh) => [
              sh,
              cell.rolls[sh],
              cell.md_m[sh] === null ? '—' : fmtNum(cell.md_m[sh], 6),
            ]),
          ),
        ].join('\n'),
      );
    }
    if (o.roll !== undefined) {
      if (!/^(FS|AL|LC)-\d{6}$/.test(o.roll))
        throw new ProblemError({
          path: '--roll',
          problem: 'not a campaign roll id',
          got: JSON.stringify(o.roll),
          allowed: 'FS-000001, AL-000042, LC-000007 (sheet code and the roll number in the campaign)',
        });
      const cells = await cs.cellsOfRoll(c.id, o.roll, shardHint(c, o.roll));
      if (o.json) return out(JSON.stringify({ campaign_id: c.id, roll_id: o.roll, cells }, null, 2));
      const good = cells.filter((x) => x.in_spec).length;
      return out(
        [
          `roll ${o.roll} of campaign ${c.id}: ${cells.length} cells, ${good} in spec` +
            (cells.length > limit ? ` (first ${limit} shown; --json for all)` : ''),
          table(
            ['serial', 'shard', 'lane', 'laminate m', 'MD on roll m', 'verdict'],
            cells.slice(0, limit).map((x) => {
              const sheet = o.roll!.startsWith('FS')
                ? 'first_sheet'
                : o.roll!.startsWith('AL')
                  ? 'al_sheet'
                  : 'third_sheet';
              return [
                x.serial,
                String(x.shard),
                String(x.lane),
                fmtNum(x.s_m, 7),
                x.md_m[sheet] === null ? '—' : fmtNum(x.md_m[sheet], 6),
                x.in_spec ? 'in spec' : (x.cause ?? 'out'),
              ];
            }),
          ),
        ].join('\n'),
      );
    }
    if (o.json) return out(JSON.stringify(c, null, 2));
    const s = c.summary as CampaignSummary | null;
    out(
      [
        `campaign ${c.id}: ${c.cells} cell positions in ${c.shards} shard(s), ${c.status}`,
        s ? table(['', 'value'], [...spcRows(s)]) : 'not finished: run the same command again to complete it',
      ].join('\n'),
    );
  } finally {
    await store.close();
  }
}
