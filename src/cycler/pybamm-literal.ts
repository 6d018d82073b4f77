/**
 * PyBaMM experiments as written in Python, read without Python: the text of
 * `pybamm.Experiment([("Discharge at C/10 for 10 hours or until 3.3 V", "Rest for 1 hour"), …] * 3,
 * period="10 seconds", termination="80% capacity")` (or just its list) becomes the same experiment input
 * as the YAML/JSON form (./experiment.ts, parseExperiment with PyBaMM's cycle rule).
 *
 * The Python subset: string literals ('…', "…", adjacent strings concatenated, \-escapes), numbers,
 * None/True/False, lists, tuples (a parenthesised expression without a comma is NOT a tuple, as in
 * Python: `("Rest for 1 hour")` is a string), `+` (list/tuple concatenation), `*` by an integer
 * (repetition), calls of `pybamm.Experiment(operating_conditions, period, temperature, termination)` and
 * of the step functions `pybamm.step.string/current/c_rate/voltage/power/resistance/rest(…, key=value)`,
 * comments (#) and one leading assignment (`experiment = …`). Anything else (variables, f-strings,
 * arithmetic on numbers other than a sign) is an error naming the line and column.
 *
 * PyBaMM's rules kept: every element of the top-level list is a cycle; a tuple is one cycle of its steps;
 * a list inside the top-level list is not a step (PyBaMM: "Operating conditions must be a Step object or
 * string"); a step function's value is in PyBaMM's sign convention (positive on discharge).
 */

export interface LiteralError {
  readonly message: string;
  /** 1-based line and column in the text */
  readonly line: number;
  readonly column: number;
  readonly text: string;
}

export class PythonLiteralError extends Error {
  constructor(readonly error: LiteralError) {
    super(`line ${error.line}, column ${error.column}: ${error.message}`);
    this.name = 'PythonLiteralError';
  }
}

type Pos = { line: number; column: number };

export type PyValue =
  | { t: 'str'; v: string; pos: Pos }
  | { t: 'num'; v: number; int: boolean; pos: Pos }
  | { t: 'const'; v: null | boolean; pos: Pos }
  | { t: 'list'; items: PyValue[]; pos: Pos }
  | { t: 'tuple'; items: PyValue[]; pos: Pos }
  | { t: 'call'; name: string; args: PyValue[]; kwargs: [string, PyValue][]; pos: Pos };

interface Tok {
  k: 'str' | 'num' | 'name' | 'op' | 'end';
  v: string;
  pos: Pos;
  /** end offset, for the text of errors */
  raw: string;
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (k: number): Pos => ({ line, column: k - lineStart + 1 });
  const fail = (k: number, message: string, text: string): never => {
    throw new PythonLiteralError({ message, ...pos(k), text });
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\\') {
      // (a backslash at the end of a line continues it)
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    // string literal, with an optional (raw/unicode/bytes) prefix; f-strings are refused
    const pre = /^([rRuUbBfF]{0,2})(['"])/.exec(src.slice(i, i + 3));
    if (pre && (pre[1] !== '' ? /^[A-Za-z]+['"]/.test(src.slice(i)) : true)) {
      const prefix = pre[1]!.toLowerCase();
      if (prefix.includes('f'))
        fail(i, `an f-string needs Python to evaluate; write the text out`, src.slice(i, i + 20));
      const start = i;
      i += pre[1]!.length;
      const q = src[i]!;
      const triple = src.slice(i, i + 3) === q.repeat(3);
      const delim = triple ? q.repeat(3) : q;
      i += delim.length;
      let v = '';
      const raw = prefix.includes('r');
      for (;;) {
        if (i >= src.length) fail(start, `unterminated string`, src.slice(start, start + 20));
        if (src.startsWith(delim, i)) {
          i += delim.length;
          break;
        }
        const ch = src[i]!;
        if (ch === '\n') {
          if (!triple) fail(start, `unterminated string (it ends at the end of the line)`, src.slice(start, i));
          line++;
          lineStart = i + 1;
        }
        if (ch === '\\' && !raw) {
          const n = src[i + 1] ?? '';
          const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '\n': '' };
          if (n in esc) {
            v += esc[n]!;
            if (n === '\n') {
              line++;
              lineStart = i + 2;
            }
            i += 2;
            continue;
          }
          v += ch;
          i++;
          continue;
        }
        v += ch;
        i++;
      }
      out.push({ k: 'str', v, pos: pos(start), raw: src.slice(start, i) });
      continue;
    }
    const num = /^(?:\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?|\.\d[\d_]*(?:[eE][+-]?\d+)?)/.exec(src.slice(i));
    if (num) {
      out.push({ k: 'num', v: num[0], pos: pos(i), raw: num[0] });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z_0-9]*/.exec(src.slice(i));
    if (name) {
      out.push({ k: 'name', v: name[0], pos: pos(i), raw: name[0] });
      i += name[0].length;
      continue;
    }
    if ('[](),*+=-.:'.includes(c)) {
      out.push({ k: 'op', v: c, pos: pos(i), raw: c });
      i++;
      continue;
    }
    fail(i, `unexpected character '${c}'`, c);
  }
  out.push({ k: 'end', v: '', pos: pos(i), raw: '' });
  return out;
}

class LiteralParser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}
  private peek(k = 0): Tok {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }
  private next(): Tok {
    return this.toks[this.i++]!;
  }
  private fail(t: Tok, message: string): never {
    throw new PythonLiteralError({ message, ...t.pos, text: t.raw });
  }
  private isOp(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t.k === 'op' && t.v === v;
  }
  private expectOp(v: string, where: string): Tok {
    const t = this.next();
    if (t.k !== 'op' || t.v !== v)
      this.fail(t, `expected '${v}' ${where}, found ${t.k === 'end' ? 'the end of the text' : `'${t.raw}'`}`);
    return t;
  }

  /** the whole text: `[name =] expr` */
  file(): PyValue {
    if (this.peek().k === 'name' && this.isOp('=', 1)) {
      this.next();
      this.next();
    }
    const v = this.expr();
    const t = this.peek();
    if (t.k !== 'end') this.fail(t, `unexpected '${t.raw}' after the experiment`);
    return v;
  }

  expr(): PyValue {
    let a = this.product();
    while (this.isOp('+')) {
      const op = this.next();
      const b = this.product();
      if ((a.t === 'list' && b.t === 'list') || (a.t === 'tuple' && b.t === 'tuple'))
        a = { t: a.t, items: [...a.items, ...b.items], pos: a.pos };
      else if (a.t === 'num' && b.t === 'num') a = { t: 'num', v: a.v + b.v, int: a.int && b.int, pos: a.pos };
      else this.fail(op, `'+' joins two lists or two tuples (got ${a.t} + ${b.t})`);
    }
    return a;
  }

  private product(): PyValue {
    let a = this.unary();
    while (this.isOp('*')) {
      const op = this.next();
      const b = this.unary();
      const [seq, n] = a.t === 'num' ? [b, a] : [a, b];
      if (n.t !== 'num' || !n.int || n.v < 0)
        this.fail(op, `'*' repeats a list or tuple a whole number of times (got ${a.t} * ${b.t})`);
      if (seq.t === 'list' || seq.t === 'tuple') {
        const items: PyValue[] = [];
        for (let k = 0; k < n.v; k++) items.push(...seq.items);
        a = { t: seq.t, items, pos: seq.pos };
      } else if (seq.t === 'num') a = { t: 'num', v: seq.v * n.v, int: seq.int, pos: seq.pos };
      else this.fail(op, `'*' repeats a list or tuple (got ${seq.t})`);
    }
    return a;
  }

  private unary(): PyValue {
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.next();
      const v = this.unary();
      if (v.t !== 'num') this.fail(op, `a sign needs a number`);
      return op.v === '-' ? { ...v, v: -v.v } : v;
    }
    return this.atom();
  }

  private atom(): PyValue {
    const t = this.peek();
    if (t.k === 'str') {
      let v = '';
      while (this.peek().k === 'str') v += this.next().v;
      return { t: 'str', v, pos: t.pos };
    }
    if (t.k === 'num') {
      this.next();
      const text = t.v.replace(/_/g, '');
      return { t: 'num', v: Number(text), int: /^\d+$/.test(text), pos: t.pos };
    }
    if (t.k === 'op' && t.v === '[') {
      this.next();
      const items = this.items(']');
      return { t: 'list', items, pos: t.pos };
    }
    if (t.k === 'op' && t.v === '(') {
      this.next();
      if (this.isOp(')')) {
        this.next();
        return { t: 'tuple', items: [], pos: t.pos };
      }
      const first = this.expr();
      if (this.isOp(')')) {
        this.next();
        return first; // (x) is x, not a tuple
      }
      this.expectOp(',', `in a tuple`);
      const rest = this.isOp(')') ? [] : this.items(')', true);
      if (rest.length === 0) this.next();
      return { t: 'tuple', items: [first, ...rest], pos: t.pos };
    }
    if (t.k === 'name') {
      if (t.v === 'None' || t.v === 'True' || t.v === 'False') {
        this.next();
        return { t: 'const', v: t.v === 'None' ? null : t.v === 'True', pos: t.pos };
      }
      let name = this.next().v;
      while (this.isOp('.') && this.peek(1).k === 'name') {
        this.next();
        name += '.' + this.next().v;
      }
      if (!this.isOp('('))
        this.fail(
          t,
          `'${name}' is a Python variable, which a text experiment cannot read; write its value out (drive ` +
            `cycles: a YAML/JSON typed step with 'file:' or value rows)`,
        );
      this.next();
      const args: PyValue[] = [];
      const kwargs: [string, PyValue][] = [];
      while (!this.isOp(')')) {
        if (this.peek().k === 'name' && this.isOp('=', 1)) {
          const k = this.next().v;
          this.next();
          kwargs.push([k, this.expr()]);
        } else {
          if (kwargs.length) this.fail(this.peek(), `a positional argument after keyword arguments`);
          args.push(this.expr());
        }
        if (this.isOp(',')) this.next();
        else if (!this.isOp(')')) this.fail(this.peek(), `expected ',' or ')' in the arguments of ${name}(…)`);
      }
      this.next();
      return { t: 'call', name, args, kwargs, pos: t.pos };
    }
    if (t.k === 'end') this.fail(t, `the text ends where a value was expected`);
    return this.fail(t, `unexpected '${t.raw}'`);
  }

  /** comma-separated values up to `close` (consumed); a trailing comma is allowed */
  private items(close: string, tuple = false): PyValue[] {
    const out: PyValue[] = [];
    while (!this.isOp(close)) {
      out.push(this.expr());
      if (this.isOp(',')) this.next();
      else if (!this.isOp(close)) this.fail(this.peek(), `expected ',' or '${close}' in a ${tuple ? 'tuple' : 'list'}`);
    }
    this.next();
    return out;
  }
}

/** Parses the Python text into values (no evaluation beyond +, * and signs). */
export function parsePythonLiteral(src: string): PyValue {
  return new LiteralParser(tokenize(src)).file();
}

const STEP_FUNCTIONS: Record<string, string> = {
  string: 'string',
  current: 'current',
  c_rate: 'c-rate',
  voltage: 'voltage',
  power: 'power',
  resistance: 'resistance',
  rest: 'rest',
};

function fail(v: PyValue, message: string): never {
  throw new PythonLiteralError({ message, ...v.pos, text: v.t === 'str' ? JSON.stringify(v.v) : v.t });
}

/** a keyword value as plain JSON (strings, numbers, None, lists/tuples of those) */
function plain(v: PyValue): unknown {
  switch (v.t) {
    case 'str':
    case 'num':
    case 'const':
      return v.v;
    case 'list':
    case 'tuple':
      return v.items.map(plain);
    case 'call': {
      // datetime(2023, 1, 1, 8, 0) → "2023-01-01T08:00:00" (a naive datetime, read as UTC)
      if (lastName(v.name) === 'datetime' && v.args.length >= 3 && v.args.every((a) => a.t === 'num' && a.int)) {
        const [y, mo, d, h = 0, mi = 0, se = 0] = v.args.map((a) => (a as { v: number }).v);
        const p2 = (x: number): string => String(x).padStart(2, '0');
        return `${String(y).padStart(4, '0')}-${p2(mo!)}-${p2(d!)}T${p2(h)}:${p2(mi)}:${p2(se)}`;
      }
      return fail(v, `a call (${v.name}) is not a value here`);
    }
  }
}

function lastName(name: string): string {
  const k = name.lastIndexOf('.');
  return k < 0 ? name : name.slice(k + 1);
}

/** a step: a string or a call of a pybamm.step function → the YAML/JSON step entry */
function stepEntry(v: PyValue): unknown {
  if (v.t === 'str') return v.v;
  if (v.t === 'call') {
    const fn = STEP_FUNCTIONS[lastName(v.name)];
    if (!fn || lastName(v.name) === 'Experiment')
      fail(v, `'${v.name}(…)' is not a step (allowed pybamm.step.${Object.keys(STEP_FUNCTIONS).join('/')})`);
    const o: Record<string, unknown> = {};
    for (const [k, x] of v.kwargs) o[k] = plain(x);
    if (fn === 'string') {
      if (v.args.length !== 1 || v.args[0]!.t !== 'str')
        fail(v, `pybamm.step.string takes the step text as its one positional argument`);
      return { string: (v.args[0] as { v: string }).v, ...o };
    }
    if (fn === 'rest') {
      if (v.args.length > 1) fail(v, `pybamm.step.rest takes at most one positional argument (the duration)`);
      if (v.args.length === 1) o['duration'] = plain(v.args[0]!);
      return { type: 'rest', ...o };
    }
    if (v.args.length > 2) fail(v, `pybamm.step.${lastName(v.name)} takes (value, duration) positionally`);
    if (v.args.length >= 1) o['value'] = plain(v.args[0]!);
    if (v.args.length === 2) o['duration'] = plain(v.args[1]!);
    return { type: fn, ...o };
  }
  return fail(
    v,
    `Operating conditions must be a Step object or string (got a ${v.t}${v.t === 'list' ? '; a cycle is a tuple (…), not a list' : ''})`,
  );
}

/**
 * The experiment input (as for parseExperiment with PyBaMM's cycle rule) of a Python text: the argument
 * list of `pybamm.Experiment(…)` or the bare list of operating conditions.
 */
export function experimentFromPython(src: string): {
  cycles: unknown[][];
  period?: unknown;
  temperature?: unknown;
  termination?: unknown;
  /** where each step starts in the text: positions[c][s] for cycle c, step s (0-based) */
  positions: { line: number; column: number }[][];
} {
  const root = parsePythonLiteral(src);
  let ops: PyValue;
  const kw: Record<string, unknown> = {};
  if (root.t === 'call') {
    if (lastName(root.name) !== 'Experiment')
      fail(root, `expected pybamm.Experiment(…) or a list of steps (got ${root.name}(…))`);
    const names = ['operating_conditions', 'period', 'temperature', 'termination'];
    if (root.args.length > names.length) fail(root, `pybamm.Experiment takes at most ${names.length} arguments`);
    const given: Record<string, PyValue> = {};
    root.args.forEach((a, k) => (given[names[k]!] = a));
    for (const [k, x] of root.kwargs) {
      if (!names.includes(k)) fail(x, `pybamm.Experiment has no argument '${k}' (allowed ${names.join(', ')})`);
      if (given[k]) fail(x, `pybamm.Experiment got '${k}' twice`);
      given[k] = x;
    }
    if (!given['operating_conditions']) fail(root, `pybamm.Experiment needs its operating conditions`);
    ops = given['operating_conditions'];
    for (const k of ['period', 'temperature', 'termination']) if (given[k]) kw[k] = plain(given[k]!);
  } else ops = root;
  if (ops.t !== 'list' && ops.t !== 'tuple') fail(ops, `the operating conditions are a list of steps and tuples`);
  // PyBaMM: every element is a cycle; a tuple is a cycle of its steps, anything else a cycle of one step
  const cycles = ops.items.map((c) => (c.t === 'tuple' ? c.items.map(stepEntry) : [stepEntry(c)]));
  const positions = ops.items.map((c) => (c.t === 'tuple' ? c.items.map((x) => x.pos) : [c.pos]));
  return { cycles, ...kw, positions };
}
