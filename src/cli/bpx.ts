/**
 * `rollcell bpx check <file>`: what the BPX standard's reference validator (bpx 1.1.1) says of a file —
 * accepted or refused, with its field paths, messages and warnings (src/electrochem/bpx-schema.ts) —
 * and whether rollcell's models can run the cell (src/electrochem/bpx.ts, liquid/common.ts).
 * Exit 0 when the standard accepts the file, 2 when it refuses it.
 */
import { parseDocument } from 'yaml';
import { ProblemError } from '../problems.ts';
import { checkOutputFile, MAX_FILE_BYTES, readUserFile, writeFileAtomic } from '../io/files.ts';
import { validateBpx } from '../electrochem/bpx-schema.ts';
import { parseBpx } from '../electrochem/bpx.ts';
import { checkModelParams } from '../electrochem/liquid/common.ts';
import { parseDecimal } from '../io/decimal.ts';
import { inputError } from './input.ts';

export interface BpxCheckOptions {
  vTol?: string;
  json?: boolean;
}

export interface BpxCheckReport {
  file: string;
  /** the reference validator accepts the file */
  valid: boolean;
  /** a BPX v0.x file, converted to v1.x before validation (as the reference does) */
  legacy: boolean;
  errors: { path: string; message: string; type: string }[];
  warnings: string[];
  rollcell: {
    /** the models that can run the cell */
    models: string[];
    /** why the others cannot, and rollcell's notes on doubtful physics */
    notes: string[];
  };
}

function readDoc(file: string): unknown {
  // a regular file under the BPX cap (a FIFO or /dev/zero is refused, not waited on or read forever)
  const text = readUserFile(file, {
    field: 'bpx check',
    maxBytes: MAX_FILE_BYTES.bpx,
    what: 'BPX JSON (or YAML) file',
  });
  if (/\.ya?ml$/i.test(file)) {
    const d = parseDocument(text, { prettyErrors: false });
    if (d.errors.length)
      throw inputError(
        'bpx check',
        `YAML syntax error: ${d.errors[0]!.message.split('\n')[0]}`,
        JSON.stringify(file),
        'valid YAML',
      );
    return d.toJS({ maxAliasCount: 100 });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw inputError(
      'bpx check',
      `not valid JSON (${(e as Error).message})`,
      JSON.stringify(file),
      'a BPX JSON document',
    );
  }
}

/** the report of `rollcell bpx check` */
export function bpxCheck(file: string, doc: unknown, vTol = 1e-3): BpxCheckReport {
  const v = validateBpx(doc, { vTol });
  const models: string[] = [];
  const notes: string[] = [];
  if (v.valid) {
    try {
      const p = parseBpx(doc, { vTol });
      notes.push(...(p.warnings ?? []).filter((w) => !v.warnings.includes(w)));
      for (const m of ['dfn', 'spme', 'spm'] as const) {
        try {
          checkModelParams(p, m);
          models.push(m);
        } catch (e) {
          if (!(e instanceof ProblemError)) throw e;
          notes.push(...e.problems.map((q) => `${m}: ${q.path}: ${q.problem} (got ${q.got}; allowed ${q.allowed})`));
        }
      }
    } catch (e) {
      if (!(e instanceof ProblemError)) throw e;
      notes.push(...e.message.split('\n'));
    }
  }
  return {
    file,
    valid: v.valid,
    legacy: v.legacy,
    errors: v.errors.map((e) => ({ path: e.path, message: e.message, type: e.type })),
    warnings: [...v.warnings],
    rollcell: { models, notes: [...new Set(notes)] },
  };
}

export function bpxCheckCommand(file: string, o: BpxCheckOptions, out: (s: string) => void): number {
  let vTol = 1e-3;
  if (o.vTol !== undefined) {
    vTol = parseDecimal(o.vTol);
    if (!(vTol >= 0))
      throw inputError(
        '--v-tol',
        Number.isNaN(vTol) ? 'not a plain decimal number' : 'v_tol should not be negative',
        JSON.stringify(o.vTol),
        'a tolerance ≥ 0 V (e.g. 0.001)',
      );
  }
  const r = bpxCheck(file, readDoc(file), vTol);
  if (o.json) out(JSON.stringify(r, null, 2));
  else {
    const lines = [
      `${file}: ${r.valid ? 'accepted' : 'refused'} by the BPX standard (reference validator bpx 1.1.1)` +
        (r.legacy ? '; a v0.x file, converted to v1.x first' : ''),
      ...r.errors.map((e) => `  error  ${e.path === '' ? '(document)' : e.path}: ${e.message}`),
      ...r.warnings.map((w) => `  warning  ${w}`),
    ];
    if (r.valid)
      lines.push(
        `rollcell: ${r.rollcell.models.length ? `runs it with ${r.rollcell.models.join(', ')}` : 'cannot run it'}`,
        ...r.rollcell.notes.map((n) => `  note  ${n}`),
      );
    out(lines.join('\n'));
  }
  return r.valid ? 0 : 2;
}

export interface BpxExportOptions {
  out?: string;
  json?: boolean;
  /** replace an existing --out file (never the recipe or a database) */
  force?: boolean;
}

/**
 * `rollcell bpx export <recipe.yaml>`: the cell the recipe's line produces as a BPX 1.1 SPM parameter set
 * (src/electrochem/bpx-export.ts) — written to --out (a summary and what BPX cannot express printed), or
 * the document on stdout.
 */
export async function bpxExportCommand(file: string, o: BpxExportOptions, out: (s: string) => void): Promise<void> {
  // the output path first: before any work, and never onto the recipe or a database
  if (o.out) checkOutputFile(o.out, { field: '--out', force: o.force, inputs: [file] });
  const { loadRecipe } = await import('./input.ts');
  const { recipeCellParams } = await import('../pipeline.ts');
  const { exportBpx } = await import('../electrochem/bpx-export.ts');
  const { recipe } = loadRecipe(file);
  const params = recipeCellParams(recipe);
  const r = exportBpx(params, `${recipe.name} (rollcell produced cell)`);
  const v = validateBpx(r.document);
  if (!v.valid)
    // an exported document the standard refuses is rollcell's bug, not the user's input
    throw new Error(
      `bpx export: the document fails the BPX validation: ${v.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
  const text = JSON.stringify(r.document, null, 2) + '\n';
  if (!o.out) {
    out(text.trimEnd());
    return;
  }
  writeFileAtomic(o.out, text, { field: '--out', force: o.force });
  const report = {
    file: o.out,
    model: 'SPM',
    bpx: '1.1.1',
    accepted_by_the_standard: true,
    warnings: v.warnings,
    not_expressed: r.notExpressed,
  };
  out(
    o.json
      ? JSON.stringify(report, null, 2)
      : [
          `${o.out}: a BPX 1.1 SPM parameter set of the cell ${recipe.name} produces (accepted by the standard's validation)`,
          ...v.warnings.map((w) => `  warning  ${w}`),
          'not expressed by BPX:',
          ...r.notExpressed.map((n) => `  - ${n}`),
        ].join('\n'),
  );
}
