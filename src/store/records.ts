/**
 * The records a run stores besides its output: a produced cell and a charge/discharge cycle. One zod schema
 * per record gives the fields the store reads (its own columns) their TypeScript type and the runtime check
 * of saveRun (a bad field is a Problem naming `cells[i].field`, the value and what is allowed). Everything
 * else a record carries is typed too: a produced cell's public record (src/present/production-cell.ts,
 * written by rollcell) and `extra`, the uploader's own fields, kept verbatim — no open index signature.
 * The whole record is stored as JSON, as given.
 */
import { z } from 'zod';
import type { CellRecord as ProducedCellRecord } from '../present/production-cell.ts';
import { problem } from '../problems.ts';

/** A JSON value as stored (numbers must be finite: JSON cannot hold NaN or ±Infinity). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
/** A JSON object as stored (an uploader's own fields: `extra`; a genealogy that is not rollcell's). */
export type JsonObject = { [k: string]: JsonValue };

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
/** a JSON object (its values are checked for NaN/Infinity with the whole record, as JSON) */
const jsonObject = z.custom<JsonObject>(isObject, { message: 'must be an object' });
/** a key figure in its own column: a finite number, or absent (null: absent) */
const figure = z
  .number({ message: 'must be a finite number' })
  .finite({ message: 'must be a finite number' })
  .nullish();

/** what each checked field allows, for the Problem */
const ALLOWED: Record<string, string> = {
  serial: 'a non-empty string',
  verdict: 'a string',
  cell_serial: 'a string',
  genealogy: 'an object',
  extra: 'an object',
  cycle: 'integers',
};

/** The fields of a cell the store reads (its columns); checked by saveRun. */
export const cellRecordSchema = z.object({
  /** Serial number, unique within a run (e.g. "R01-S0003-P012"). */
  serial: z.string({ message: 'must be a non-empty string' }).min(1, { message: 'must be a non-empty string' }),
  /** Quality verdict of the cell, e.g. "in_spec" / "out_of_spec: …" (free text, stored as given). */
  verdict: z.string({ message: 'must be a string' }),
  /** Where the cell came from: rolls, lane, splice, … (stored as JSON in its own column). */
  genealogy: jsonObject.optional(),
  /** Key figures, each optional; stored in their own columns for queries. */
  thickness_um: figure,
  mass_g: figure,
  capacity_mAh: figure,
  specific_energy_Wh_kg: figure,
  /** the uploader's own fields, stored verbatim with the record */
  extra: jsonObject.optional(),
});

/** The fields of a cycle the store reads (its columns); checked by saveRun. */
export const cycleRecordSchema = z.object({
  /** Cycle index (1-based as reported by the cycler; stored as given). */
  cycle: z
    .number({ message: 'must be a finite number' })
    .finite({ message: 'must be a finite number' })
    .int({ message: 'must be an integer' })
    .gte(-(2 ** 31 - 1), { message: 'must be an integer' })
    .lte(2 ** 31 - 1, { message: 'must be an integer' }),
  charge_Ah: z.number({ message: 'must be a finite number' }).finite({ message: 'must be a finite number' }),
  discharge_Ah: z.number({ message: 'must be a finite number' }).finite({ message: 'must be a finite number' }),
  /** Coulombic efficiency = discharge_Ah / charge_Ah when absent and charge_Ah > 0. */
  coulombic_efficiency: figure,
  charge_Wh: figure,
  discharge_Wh: figure,
  /** Serial of the cell this cycle belongs to, when more than one cell was cycled. */
  cell_serial: z.string({ message: 'must be a string' }).optional(),
  /** the cycle's DC resistance, mΩ (rollcell's cycling writes it when measured) */
  resistance_mOhm: figure,
  /** the uploader's own fields, stored verbatim with the record */
  extra: jsonObject.optional(),
});

/**
 * One produced cell as the store keeps it: the fields it reads (`cellRecordSchema`) and, for a cell rollcell
 * made, the rest of its public record (src/present/production-cell.ts: stack, stations, lane, in_spec, …).
 */
export type CellRecord = Omit<z.infer<typeof cellRecordSchema>, 'genealogy'> &
  Partial<Omit<ProducedCellRecord, 'serial' | 'genealogy' | 'capacity_mAh'>> & {
    genealogy?: ProducedCellRecord['genealogy'] | JsonObject;
  };

/**
 * A stored cell's genealogy read as rollcell writes it (parents, lane, time, battery …). The store checks a
 * genealogy only for being an object (an uploader's may be its own): a field rollcell does not find is absent.
 */
export type CellGenealogy = Partial<ProducedCellRecord['genealogy']>;
/** the cell's genealogy, or {} when it has none (the one place an uploaded genealogy is read as rollcell's) */
export const genealogyOf = (c: Pick<CellRecord, 'genealogy'>): CellGenealogy =>
  (c.genealogy ?? {}) as unknown as CellGenealogy;

/** One charge/discharge cycle of a cycling experiment. */
export type CycleRecord = z.infer<typeof cycleRecordSchema>;

const isFigure = (v: unknown): boolean =>
  v === undefined || v === null || (typeof v === 'number' && Number.isFinite(v));

/**
 * Whether `value` passes cellRecordSchema — the same rules, without zod: a long shift saves every cell, and this
 * plain check costs a fraction of the schema's parse. A record it refuses goes through checkRecord, which names
 * the first bad field (test/store/records.test.ts holds the two to the same answers).
 */
export function cellRecordFieldsOk(value: unknown): boolean {
  if (!isObject(value)) return false;
  const c = value as Record<string, unknown>;
  const serial = c['serial'];
  const genealogy = c['genealogy'];
  const extra = c['extra'];
  return (
    typeof serial === 'string' &&
    serial.length >= 1 &&
    typeof c['verdict'] === 'string' &&
    (genealogy === undefined || isObject(genealogy)) &&
    isFigure(c['thickness_um']) &&
    isFigure(c['mass_g']) &&
    isFigure(c['capacity_mAh']) &&
    isFigure(c['specific_energy_Wh_kg']) &&
    (extra === undefined || isObject(extra))
  );
}

/** `value` checked against `schema`: the first bad field is a Problem at `path`.field (the value, what is allowed) */
export function checkRecord<T>(schema: z.ZodType<T>, value: unknown, path: string): void {
  if (!isObject(value)) throw problem(path, 'must be an object', String(JSON.stringify(value)), 'an object');
  const r = schema.safeParse(value);
  if (r.success) return;
  const issue = r.error.issues[0]!;
  const key = String(issue.path[0] ?? '');
  const got = (value as Record<string, unknown>)[key];
  throw problem(
    `${path}.${issue.path.join('.')}`,
    issue.message,
    JSON.stringify(got) ?? String(got),
    ALLOWED[key] ?? 'finite numbers',
  );
}
