/**
 * rollcell's conformance with the reference implementations' own corpora (test/conformance/corpora,
 * README there): PyBaMM's experiment strings and Experiment structures, the BPX examples and the test
 * documents of the bpx validator's and PyBaMM's tests, the BDF reference datasets, and the BDF files
 * rollcell writes. Each corpus gives cases with the outcome the reference gives; a case passes when
 * rollcell gives the same. Used by `npm run conformance` (all of it, pass rates printed) and by the
 * tests (a small part).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseStep, defaultDuration_s, type StepAst } from '../../src/cycler/experiment.ts';
import { experimentFromPython } from '../../src/cycler/pybamm-literal.ts';
import { parseExperiment } from '../../src/cycler/experiment.ts';
import { validateBpx } from '../../src/electrochem/bpx-schema.ts';
import { parseBpx } from '../../src/electrochem/bpx.ts';
import { createLiquidModel } from '../../src/electrochem/liquid/index.ts';
import { parseCsvTable, toBdfTableCsv, toBdfCsv, toCycleSummaryCsv } from '../../src/cycler/bdf.ts';
import { validateBdfTable } from '../../src/cycler/bdf-validate.ts';
import { runExperiment } from '../../src/cycler/index.ts';

const CORPORA = new URL('../../test/conformance/corpora/', import.meta.url);
const json = (rel: string): any => JSON.parse(readFileSync(new URL(rel, CORPORA), 'utf8'));

export interface CaseResult {
  readonly name: string;
  readonly pass: boolean;
  /** why it failed (or, for a pass through a documented extension, which one) */
  readonly note?: string;
}

export interface CorpusResult {
  readonly corpus: string;
  readonly source: string;
  readonly cases: readonly CaseResult[];
  /** cases that pass only as a documented rollcell extension (counted as passes, listed) */
  readonly extensions?: number;
}

/**
 * The known differences from the references, with why (test/conformance/corpora/README.md): a failing case
 * not listed here is a new difference (the test fails, `npm run conformance` exits 1); a listed case that
 * passes must leave the list.
 */
export const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  'Charge at 4 V until 5 mA':
    "PyBaMM reads it as a voltage step at −4 V (its sign of 'Charge'); rollcell refuses a voltage-controlled Charge and suggests 'Hold at 4 V'",
};

export const passRate = (r: CorpusResult): number => r.cases.filter((c) => c.pass).length / Math.max(1, r.cases.length);

// ───────────────────────────── PyBaMM experiment strings ─────────────────────────────

interface PybammStep {
  ok: boolean;
  type?: string;
  value?: number;
  duration?: number;
  termination?: { type: string; value: number; operator?: string }[];
  period?: number;
  error?: string;
}

/** a rollcell step in PyBaMM's terms: class, value positive on discharge, duration incl. the default */
function asPybamm(s: StepAst): PybammStep | string {
  const c = s.control;
  let type: string;
  let value: number;
  switch (c.mode) {
    case 'c_rate':
      type = 'CRate';
      value = -c.c_rate;
      break;
    case 'current':
      type = 'Current';
      value = -c.current_A;
      break;
    case 'power':
      type = 'Power';
      value = -c.power_W;
      break;
    case 'voltage':
      type = 'Voltage';
      value = c.voltage_V;
      break;
    case 'resistance':
      type = 'Resistance';
      value = c.resistance_ohm;
      break;
    case 'rest':
      type = 'Rest';
      value = 0;
      break;
    default:
      return `a ${c.mode} step`;
  }
  if (s.cv) return 'a one-string CC-CV step';
  const termination: { type: string; value: number; operator?: string }[] = [];
  for (const t of s.terminations) {
    const op = (t as { operator?: string }).operator;
    const rec = (type: string, value: number): { type: string; value: number; operator?: string } => ({
      type,
      value,
      ...(op ? { operator: op } : {}),
    });
    if (t.kind === 'voltage') termination.push(rec('voltage', t.voltage_V));
    else if (t.kind === 'current') termination.push(rec('current', t.current_A));
    else if (t.kind === 'c_rate') termination.push(rec('c_rate', t.c_rate));
    else return `a ${t.kind} termination`;
  }
  return {
    ok: true,
    type,
    value,
    duration: s.duration_s ?? defaultDuration_s(c),
    termination,
    ...(s.period_s !== undefined ? { period: s.period_s } : {}),
  };
}

const close = (a: number | undefined, b: number | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)));

/**
 * The documented extensions of rollcell's step language (src/cycler/README.md) that PyBaMM's current
 * step.string refuses: a temperature suffix (PyBaMM before 23.x read "… at 25oC"; the current one takes
 * it as a keyword).
 */
const EXTENSIONS: [RegExp, string][] = [
  [/ at -?[\d.]+ ?(oC|°C|degC|K)\b/, 'temperature in the string (older PyBaMM syntax)'],
];

export function pybammExperimentStrings(limit?: number): CorpusResult {
  const c = json('pybamm/experiment-strings.json');
  const cases: CaseResult[] = [];
  let extensions = 0;
  for (const s of (c.strings as { text: string; pybamm: PybammStep }[]).slice(0, limit)) {
    const r = parseStep(s.text);
    const want = s.pybamm;
    if (!want.ok) {
      if (!r.ok) cases.push({ name: s.text, pass: true });
      else {
        const ext = EXTENSIONS.find(([re]) => re.test(s.text));
        if (ext) extensions++;
        cases.push({
          name: s.text,
          pass: ext !== undefined,
          note: ext ? `extension: ${ext[1]}` : `PyBaMM refuses it (${want.error}); rollcell accepts it`,
        });
      }
      continue;
    }
    if (!r.ok) {
      cases.push({ name: s.text, pass: false, note: `PyBaMM accepts it; rollcell: ${r.errors[0]!.message}` });
      continue;
    }
    const got = asPybamm(r.value);
    if (typeof got === 'string') {
      cases.push({ name: s.text, pass: false, note: `rollcell reads ${got}` });
      continue;
    }
    const diffs: string[] = [];
    if (got.type !== want.type) diffs.push(`type ${got.type} vs ${want.type}`);
    if (!close(got.value, want.value)) diffs.push(`value ${got.value} vs ${want.value}`);
    if (!close(got.duration, want.duration)) diffs.push(`duration ${got.duration} vs ${want.duration}`);
    if (!close(got.period, want.period)) diffs.push(`period ${got.period} vs ${want.period}`);
    const gt = got.termination ?? [];
    const wt = want.termination ?? [];
    if (
      gt.length !== wt.length ||
      gt.some((t, k) => t.type !== wt[k]!.type || !close(t.value, wt[k]!.value) || t.operator !== wt[k]!.operator)
    )
      diffs.push(`terminations ${JSON.stringify(gt)} vs ${JSON.stringify(wt)}`);
    cases.push({ name: s.text, pass: diffs.length === 0, ...(diffs.length ? { note: diffs.join('; ') } : {}) });
  }
  return {
    corpus: 'PyBaMM experiment strings',
    source: `pybamm-team/PyBaMM ${c.commit}`,
    cases,
    extensions,
  };
}

// ───────────────────────────── PyBaMM Experiment structures ─────────────────────────────

export function pybammExperimentStructures(limit?: number): CorpusResult {
  const c = json('pybamm/experiment-structures.json');
  const cases: CaseResult[] = [];
  for (const s of (c.structures as { source: string; text: string; cycleLengths: number[]; steps: string[] }[]).slice(
    0,
    limit,
  )) {
    let note: string | undefined;
    try {
      const input = experimentFromPython(s.text);
      const lengths = input.cycles.map((x) => x.length);
      if (JSON.stringify(lengths) !== JSON.stringify(s.cycleLengths))
        note = `cycle lengths ${JSON.stringify(lengths)} vs ${JSON.stringify(s.cycleLengths)}`;
      else {
        const texts = input.cycles.flat().map((x) => (typeof x === 'string' ? x : (x as { string?: string }).string));
        if (JSON.stringify(texts) !== JSON.stringify(s.steps)) note = 'the steps differ';
        else {
          // the structure as rollcell runs it (PyBaMM's cycle rule); its steps parse where PyBaMM's do
          const e = parseExperiment({ cycles: input.cycles } as never, 'e', { cycles: 'pybamm' });
          const counted = e.ok
            ? e.value.blocks.reduce((n, b) => n + (b.kind === 'cycles' ? b.repeat : 1), 0)
            : undefined;
          if (e.ok && counted !== s.cycleLengths.length) note = `${counted} cycles run vs ${s.cycleLengths.length}`;
        }
      }
    } catch (e) {
      note = (e as Error).message;
    }
    cases.push({ name: s.source, pass: note === undefined, ...(note ? { note } : {}) });
  }
  return { corpus: 'PyBaMM Experiment structures', source: `pybamm-team/PyBaMM ${c.commit}`, cases };
}

// ───────────────────────────── BPX ─────────────────────────────

interface BpxCase {
  name: string;
  source: string;
  api: string;
  document: unknown;
  expect: {
    valid: boolean;
    paths?: string[];
    match?: string;
    errorCount?: number;
    warnings?: string[];
    vTol?: number;
    convertLegacy?: boolean;
    legacy?: boolean;
    loads?: boolean;
  };
}

/** the validator's verdict as the reference's, and (accepted documents) rollcell loads and builds the cell */
function bpxCase(k: BpxCase): CaseResult {
  const e = k.expect;
  const v = validateBpx(k.document, {
    ...(e.vTol !== undefined ? { vTol: e.vTol } : {}),
    convertLegacy: k.api === 'parse_bpx_obj' && e.convertLegacy !== false,
  });
  const notes: string[] = [];
  if (v.valid !== e.valid)
    notes.push(`${v.valid ? 'accepted' : 'refused'} (reference: ${e.valid ? 'accepted' : 'refused'})`);
  else if (!e.valid) {
    const paths = v.errors.map((x) => x.path);
    for (const p of e.paths ?? [])
      if (!paths.includes(p)) notes.push(`path '${p}' not reported (got ${JSON.stringify(paths)})`);
    if (e.match && !v.errors.some((x) => x.message.includes(e.match!) || x.type.includes(e.match!)))
      notes.push(`no message with '${e.match}'`);
    if (e.errorCount !== undefined && v.errors.length !== e.errorCount)
      notes.push(`${v.errors.length} errors (reference: ${e.errorCount})`);
  }
  if (e.warnings) {
    const own = v.warnings.filter((w) => !/legacy BPX v0/.test(w) && !/semantic version/.test(w));
    if (e.warnings.length === 0 && own.length) notes.push(`unexpected warning: ${own[0]}`);
    for (const w of e.warnings) if (!v.warnings.some((x) => x.includes(w))) notes.push(`missing warning '${w}'`);
  }
  if (e.legacy !== undefined && v.legacy !== e.legacy) notes.push(`legacy ${v.legacy} (reference: ${e.legacy})`);
  // accepted by the reference: rollcell reads it and builds a cell model for the set
  if (e.valid && v.valid && k.api === 'parse_bpx_obj' && e.loads !== false) {
    try {
      const p = parseBpx(k.document, e.vTol !== undefined ? { vTol: e.vTol } : {});
      createLiquidModel(p, { model: 'spm', mesh: { particle: 4 } });
    } catch (err) {
      notes.push(`rollcell cannot load it: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return {
    name: `${k.name} (${k.source})`,
    pass: notes.length === 0,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

export function bpxTestDocuments(limit?: number): CorpusResult {
  const c = json('bpx/bpx-tests.json');
  return {
    corpus: 'BPX validator test documents',
    source: `FaradayInstitution/BPX ${c.commit}`,
    cases: (c.cases as BpxCase[]).slice(0, limit).map(bpxCase),
  };
}

export function pybammBpxDocuments(limit?: number): CorpusResult {
  const c = json('pybamm/../bpx/pybamm-bpx-tests.json');
  return {
    corpus: "PyBaMM's BPX test documents",
    source: `pybamm-team/PyBaMM ${c.commit}`,
    cases: (c.cases as BpxCase[]).slice(0, limit).map(bpxCase),
  };
}

const BPX_EXAMPLES = [
  'lfp_18650_cell_BPX.json',
  'nmc_pouch_cell_BPX.json',
  'nmc_pouch_cell_BPX_SPM.json',
  'nmc_pouch_cell_BPX_blended_electrode.json',
  'nmc_pouch_cell_BPX_user-defined_hysteresis.json',
];

/** the BPX examples: accepted (v0.x converted), loaded, and a 10-minute 1C discharge run (DFN, blended ones too; SPM set: SPM) */
export function bpxExamples(): CorpusResult {
  const cases = BPX_EXAMPLES.map((f): CaseResult => {
    const doc = json(`bpx/examples/${f}`);
    const v = validateBpx(doc);
    if (!v.valid) return { name: f, pass: false, note: `refused: ${v.errors[0]!.path}: ${v.errors[0]!.message}` };
    try {
      const p = parseBpx(doc);
      // a blended electrode runs in the DFN too (one particle per material in each electrode volume)
      const m = createLiquidModel(p, { model: p.fullSet === false ? 'spm' : 'dfn' });
      const r = runExperiment(m, ['Discharge at 1C for 10 minutes'], { initialSoc: 1 });
      if (r.status !== 'completed') return { name: f, pass: false, note: r.reason ?? r.status };
      return { name: f, pass: true };
    } catch (e) {
      return { name: f, pass: false, note: (e as Error).message.split('\n')[0] };
    }
  });
  return { corpus: 'BPX examples', source: 'FaradayInstitution/BPX examples/', cases };
}

// ───────────────────────────── BDF ─────────────────────────────

/**
 * The reference datasets: read, written back with rollcell's BDF writer (preferred labels), read again —
 * every value the same — and the reference validator's own verdict on their derived columns (its test
 * test_reference_data_valid.py: the known non-compliant files have issues, the others none).
 */
export function bdfDatasets(only?: readonly string[]): CorpusResult {
  const c = json('bdf/datasets.json');
  const cases: CaseResult[] = [];
  for (const d of c.datasets as { file: string; present: boolean; copy?: string }[]) {
    const name = d.file.split('/').pop()!;
    if (!d.present || !d.copy) continue;
    if (only && !only.some((o) => name.includes(o))) continue;
    const text = gunzipSync(readFileSync(new URL(`bdf/${d.copy}`, CORPORA))).toString('utf8');
    const notes: string[] = [];
    const a = parseCsvTable(text, ['Test Time / s', 'Voltage / V', 'Current / A']);
    if (!a.ok) {
      cases.push({ name, pass: false, note: `not read: ${a.errors[0]!.problem}` });
      continue;
    }
    const cols = a.value.header.map((h) => a.value.columns[h] ?? a.value.text[h]!);
    const written = toBdfTableCsv(a.value.header, cols);
    const b = parseCsvTable(written, ['Test Time / s', 'Voltage / V', 'Current / A']);
    if (!b.ok) notes.push(`written file not read back: ${b.errors[0]!.problem}`);
    else {
      if (JSON.stringify(b.value.header) !== JSON.stringify(a.value.header)) notes.push('header changed');
      for (const h of a.value.header) {
        const x = a.value.columns[h] ?? a.value.text[h]!;
        const y = b.value.columns[h] ?? b.value.text[h]!;
        if (x.length !== y.length || x.some((v, i) => !Object.is(v, y[i]))) {
          notes.push(`column '${h}' changed`);
          break;
        }
      }
    }
    // the reference's verdict on the file (as published)
    const rep = validateBdfTable(
      a.value.rawHeader,
      a.value.rawHeader.map((_, k) => cols[k]!),
    );
    const known = Object.prototype.hasOwnProperty.call(c.knownNoncompliant, name);
    if (!rep.ok) notes.push(`missing ${rep.missing.join(', ')}`);
    if (known && rep.issues.length === 0)
      notes.push(`the reference finds derived-column issues (${c.knownNoncompliant[name]}); rollcell none`);
    if (!known && rep.issues.length) notes.push(`issues the reference does not find: ${rep.issues[0]}`);
    cases.push({ name, pass: notes.length === 0, ...(notes.length ? { note: notes.join('; ') } : {}) });
  }
  return { corpus: 'BDF reference datasets', source: `battery-data-alliance/battery-data-format ${c.commit}`, cases };
}

/** every CSV rollcell writes (time series and per-cycle summary, liquid and with temperatures) passes the validator clean */
export function bdfWrittenFiles(): CorpusResult {
  const p = parseBpx(json('bpx/examples/nmc_pouch_cell_BPX.json'));
  const runs: [string, () => ReturnType<typeof runExperiment>][] = [
    [
      'SPMe, two cycles with step temperatures',
      () =>
        runExperiment(
          createLiquidModel(p, { model: 'spme' }),
          [
            [
              'Discharge at 1C until 3.2 V at 10oC',
              'Rest for 10 minutes',
              'Charge at 1C until 4.1 V then hold until C/20',
            ],
            ['Discharge at 2C until 3.0 V', 'Rest for 5 minutes'],
          ],
          { initialSoc: 1 },
        ),
    ],
    [
      'SPM, lumped thermal, drive cycle',
      () =>
        runExperiment(
          createLiquidModel(p, { model: 'spm', thermal: true }),
          [
            [
              {
                type: 'current',
                value: [
                  [0, 5],
                  [60, 10],
                  [120, -5],
                  [180, 0],
                ],
              },
              'Rest for 1 minute',
            ],
          ],
          { initialSoc: 0.8 },
        ),
    ],
  ];
  const cases: CaseResult[] = [];
  for (const [name, run] of runs) {
    const r = run();
    for (const [kind, csv] of [
      ['time series', toBdfCsv(r, { startTime_s: 1.7e9 })],
      ['cycle summary', toCycleSummaryCsv(r, { startTime_s: 1.7e9 })],
    ] as const) {
      const t = parseCsvTable(csv, []);
      if (!t.ok) {
        cases.push({ name: `${name}: ${kind}`, pass: false, note: t.errors[0]!.problem });
        continue;
      }
      const rep = validateBdfTable(
        t.value.rawHeader,
        t.value.header.map((h) => t.value.columns[h] ?? t.value.text[h]!),
      );
      const notes = [
        ...rep.missing.map((m) => `missing ${m}`),
        ...rep.issues,
        ...rep.legacyLabels.map((l) => `legacy label ${l}`),
      ];
      cases.push({
        name: `${name}: ${kind}`,
        pass: rep.clean && rep.legacyLabels.length === 0,
        ...(notes.length ? { note: notes.join('; ') } : {}),
      });
    }
  }
  return { corpus: 'BDF files rollcell writes', source: 'rollcell toBdfCsv / toCycleSummaryCsv', cases };
}

/** every corpus, in the order `npm run conformance` prints them */
export function allCorpora(): CorpusResult[] {
  return [
    pybammExperimentStrings(),
    pybammExperimentStructures(),
    bpxTestDocuments(),
    pybammBpxDocuments(),
    bpxExamples(),
    bdfDatasets(),
    bdfWrittenFiles(),
  ];
}
