/**
 * Experiment files (`rollcell cycle --experiment-file`): PyBaMM's experiment structure in YAML, JSON or
 * text, parsed to an Experiment with PyBaMM's cycle rule (every top-level entry is a cycle; a list — PyBaMM's
 * tuple — is one cycle). Pure text in, value out; errors are Problems with the file's line and column.
 *
 *  - YAML / JSON: a list of entries (step strings, step objects, lists, {repeat, steps},
 *    {repeat_until, steps}) or an object {steps | cycles | operating_conditions, period, temperature,
 *    termination}; `cycles` is PyBaMM's Experiment.to_config format (steps as {type, value, duration,
 *    terminations, …}, values positive on discharge as in PyBaMM).
 *  - text: the Python of `pybamm.Experiment([...], period=…, termination=…)` or of its list
 *    (./pybamm-literal.ts); otherwise one step string per line, each line a cycle (`#` comments).
 */
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { Problem } from '../problems.ts';
import { parseExperiment, type Experiment, type ExperimentInput, type ParseError } from './experiment.ts';
import { MAX_DEPTH, deeperThan } from '../recipe/parse.ts';
import { experimentFromPython, PythonLiteralError } from './pybamm-literal.ts';

export type ExperimentFormat = 'yaml' | 'json' | 'txt';

/** the format from a file name (.yaml/.yml, .json, .txt/.py), or undefined */
export function experimentFormatOf(file: string): ExperimentFormat | undefined {
  const m = /\.([A-Za-z]+)$/.exec(file);
  const ext = m ? m[1]!.toLowerCase() : '';
  if (ext === 'yaml' || ext === 'yml') return 'yaml';
  if (ext === 'json') return 'json';
  if (ext === 'txt' || ext === 'py') return 'txt';
  return undefined;
}

export type ExperimentFileResult = { ok: true; value: Experiment } | { ok: false; problems: Problem[] };

/** path segments of a parse path like `exp.yaml[2].steps[0]` (the root name dropped) */
function segments(path: string, root: string): (string | number)[] {
  const rest = path.startsWith(root) ? path.slice(root.length) : path;
  const out: (string | number)[] = [];
  const re = /\[(\d+)\]|\.([^.[\]]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest))) out.push(m[1] !== undefined ? Number(m[1]) : m[2]!);
  return out;
}

function toProblem(e: ParseError, root: string, at?: { line: number; column: number; quoted: boolean }): Problem {
  const path = e.path ?? root;
  const prefix = `${path}: `;
  const problem = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  const onOneLine = at !== undefined && !e.input.includes('\n');
  return {
    path,
    problem,
    got: e.text === '' ? JSON.stringify(e.input) : JSON.stringify(e.text),
    allowed: e.suggestion ?? 'see the experiment language in src/cycler/README.md',
    ...(at ? { line: at.line, column: onOneLine ? at.column + (at.quoted ? 1 : 0) + e.column - 1 : at.column } : {}),
  };
}

function yamlPosition(
  doc: Document,
  lc: LineCounter,
  text: string,
  segs: (string | number)[],
): { line: number; column: number; quoted: boolean } | undefined {
  for (let n = segs.length; n >= 0; n--) {
    const node = doc.getIn(segs.slice(0, n), true);
    if (isNode(node) && node.range) {
      const off = node.range[0];
      const p = lc.linePos(off);
      return { line: p.line, column: p.col, quoted: text[off] === '"' || text[off] === "'" };
    }
  }
  return undefined;
}

/** Parses an experiment file's text. `source` names the file in the problems' paths. */
export function parseExperimentFile(text: string, format: ExperimentFormat, source: string): ExperimentFileResult {
  if (text.trim() === '')
    return {
      ok: false,
      problems: [{ path: source, problem: 'empty experiment file', got: 'an empty file', allowed: 'a list of steps' }],
    };
  if (format === 'txt') return parseText(text, source);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    return {
      ok: false,
      problems: doc.errors.slice(0, 10).map((e) => ({
        path: source,
        problem: `${format === 'json' ? 'JSON' : 'YAML'} syntax error: ${e.message.split('\n')[0]}`,
        got: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : 'invalid text',
        allowed: format === 'json' ? 'valid JSON' : 'valid YAML 1.2',
        ...(e.linePos ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}),
      })),
    };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return {
      ok: false,
      problems: [
        {
          path: source,
          problem: 'the file could not be read',
          got: (e as Error).message.split('\n')[0]!,
          allowed: 'at most 100 YAML alias expansions',
        },
      ],
    };
  }
  if (deeperThan(data, MAX_DEPTH))
    return {
      ok: false,
      problems: [
        {
          path: source,
          problem: 'nesting too deep (or a YAML alias inside its own anchor, a cycle)',
          got: `more than ${MAX_DEPTH} levels`,
          allowed: `<= ${MAX_DEPTH} levels, each alias outside the node its anchor names`,
        },
      ],
    };
  const r = parseExperiment(data as ExperimentInput, source, { cycles: 'pybamm' });
  if (r.ok) return r;
  return {
    ok: false,
    problems: r.errors.map((e) =>
      toProblem(e, source, yamlPosition(doc, lc, text, segments(e.path ?? source, source))),
    ),
  };
}

function parseText(text: string, source: string): ExperimentFileResult {
  const body = text.replace(/^\uFEFF/, '');
  const code = body
    .split(/\r?\n/)
    .filter((l) => !/^\s*(#|$)/.test(l))
    .join('\n')
    .trim();
  const python = /^(\[|\(|[A-Za-z_][\w.]*\s*(\(|=))/.test(code) && !/^(Charge|Discharge|Rest|Hold|Run)\b/i.test(code);
  if (python) {
    let input: ReturnType<typeof experimentFromPython>;
    try {
      input = experimentFromPython(body);
    } catch (e) {
      if (!(e instanceof PythonLiteralError)) throw e;
      return {
        ok: false,
        problems: [
          {
            path: source,
            problem: e.error.message,
            got: JSON.stringify(e.error.text),
            allowed: "PyBaMM's Experiment in Python: strings, tuples, lists, * N, pybamm.step.* calls",
            line: e.error.line,
            column: e.error.column,
          },
        ],
      };
    }
    const { positions, ...exp } = input;
    const r = parseExperiment(exp as ExperimentInput, source, { cycles: 'pybamm' });
    if (r.ok) return r;
    return {
      ok: false,
      problems: r.errors.map((e) => {
        const s = segments(e.path ?? source, source);
        const c = s[0] === 'cycles' && typeof s[1] === 'number' ? s[1] : undefined;
        const k = typeof s[2] === 'number' ? s[2] : 0;
        const pos = c !== undefined ? positions[c]?.[k] : undefined;
        return toProblem(e, source, pos ? { ...pos, quoted: true } : undefined);
      }),
    };
  }
  // one step string per line, each line a cycle (PyBaMM's rule for a list of strings)
  const lines: { text: string; line: number; column: number }[] = [];
  body.split(/\r?\n/).forEach((l, k) => {
    const t = l.trim();
    if (t === '' || t.startsWith('#')) return;
    lines.push({ text: t, line: k + 1, column: l.indexOf(t) + 1 });
  });
  const r = parseExperiment(
    lines.map((l) => l.text),
    source,
    { cycles: 'pybamm' },
  );
  if (r.ok) return r;
  return {
    ok: false,
    problems: r.errors.map((e) => {
      const s = segments(e.path ?? source, source);
      const l = typeof s[0] === 'number' ? lines[s[0]] : undefined;
      return toProblem(e, source, l ? { line: l.line, column: l.column, quoted: false } : undefined);
    }),
  };
}
