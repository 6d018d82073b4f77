/**
 * A small, safe arithmetic-expression compiler for parameter files (BPX): no eval, no Function.
 * Grammar (Python-like, as BPX strings are written for PyBaMM):
 *   expr   := term (('+' | '-') term)*
 *   term   := unary (('*' | '/') unary)*
 *   unary  := ('-' | '+') unary | power
 *   power  := atom (('**' | '^') unary)?          (right-associative, binds tighter than unary minus on its left)
 *   atom   := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
 * Functions: exp, log (natural), log10, sqrt, tanh, cosh, sinh, abs, pow, min, max, arctan/atan.
 * Constants: pi, e. Variables are given by the caller (e.g. x, sto, c_e, T).
 * The expression is parsed to a tree, constant-folded and compiled to a small stack program
 * (typed arrays, fused operations with constant operands) run by an interpreter loop: evaluation
 * allocates nothing and avoids the megamorphic calls of a closure tree.
 */
import { ProblemError } from '../problems.ts';

export type Compiled = (v: Float64Array) => number;

export interface CompiledExpression {
  /** evaluate with variable values in the order of `variables` */
  readonly evaluate: Compiled;
  readonly variables: readonly string[];
  /** names of the variables the expression actually uses */
  readonly used: ReadonlySet<string>;
  readonly source: string;
}

/** a bad expression: the one error value, with the path of the field that holds it */
export class ExpressionError extends ProblemError {
  constructor(path: string, problem: string, got: string, allowed: string) {
    super({ path, problem, got, allowed });
    this.name = 'ExpressionError';
  }
}

type Tok =
  | { k: 'num'; v: number; p: number }
  | { k: 'name'; v: string; p: number }
  | { k: 'op'; v: string; p: number }
  | { k: 'end'; p: number };

function tokenize(src: string, where: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const numMatch = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
    if (numMatch) {
      out.push({ k: 'num', v: Number(numMatch[0]), p: i });
      i += numMatch[0].length;
      continue;
    }
    const nameMatch = /^[A-Za-z_][A-Za-z_0-9]*/.exec(src.slice(i));
    if (nameMatch) {
      out.push({ k: 'name', v: nameMatch[0], p: i });
      i += nameMatch[0].length;
      continue;
    }
    if (src.startsWith('**', i)) {
      out.push({ k: 'op', v: '**', p: i });
      i += 2;
      continue;
    }
    if ('+-*/^(),'.includes(c)) {
      out.push({ k: 'op', v: c, p: i });
      i++;
      continue;
    }
    throw new ExpressionError(
      where,
      `unexpected character at position ${i} in "${src}"`,
      `'${c}'`,
      `numbers, variables, + - * / ** ^ ( ) , and functions ${FUNCTION_NAMES.join(', ')}`,
    );
  }
  out.push({ k: 'end', p: src.length });
  return out;
}

const UNARY: Record<string, (a: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  ln: Math.log,
  log10: Math.log10,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  cosh: Math.cosh,
  sinh: Math.sinh,
  abs: Math.abs,
  arctan: Math.atan,
  atan: Math.atan,
};
const BINARY: Record<string, (a: number, b: number) => number> = {
  pow: Math.pow,
  min: Math.min,
  max: Math.max,
};
const FUNCTION_NAMES = [...Object.keys(UNARY), ...Object.keys(BINARY)];
const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

type Node =
  | { k: 'num'; v: number }
  | { k: 'var'; i: number }
  | { k: 'un'; f: string; a: Node }
  | { k: 'bin'; op: '+' | '-' | '*' | '/' | '^' | 'pow' | 'min' | 'max'; a: Node; b: Node };

// opcodes
const O_CONST = 0,
  O_VAR = 1,
  O_ADD = 2,
  O_SUB = 3,
  O_MUL = 4,
  O_DIV = 5,
  O_POW = 6,
  O_MIN = 7,
  O_MAX = 8;
const O_NEG = 9,
  O_ADDC = 10,
  O_SUBC = 11,
  O_MULC = 12,
  O_DIVC = 13,
  O_POWC = 14,
  O_RSUBC = 15,
  O_RDIVC = 16;
const O_SQ = 17,
  O_CUBE = 18,
  O_UNARY = 19; // O_UNARY + index into UNARY_LIST
const UNARY_LIST: ReadonlyArray<[string, (a: number) => number]> = Object.entries(UNARY);

function fold(n: Node): Node {
  if (n.k === 'un') {
    const a = fold(n.a);
    if (a.k === 'num') return { k: 'num', v: n.f === '-' ? -a.v : UNARY[n.f]!(a.v) };
    return { k: 'un', f: n.f, a };
  }
  if (n.k === 'bin') {
    const a = fold(n.a);
    const b = fold(n.b);
    if (a.k === 'num' && b.k === 'num') return { k: 'num', v: applyBin(n.op, a.v, b.v) };
    return { k: 'bin', op: n.op, a, b };
  }
  return n;
}

function applyBin(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case 'min':
      return Math.min(a, b);
    case 'max':
      return Math.max(a, b);
    default:
      return Math.pow(a, b);
  }
}

interface Program {
  code: Int32Array;
  arg: Float64Array;
  stack: Float64Array;
}

function compileProgram(root: Node): Program {
  const code: number[] = [];
  const arg: number[] = [];
  let depth = 0;
  let maxDepth = 0;
  const emit = (op: number, a = 0, dd = 0): void => {
    code.push(op);
    arg.push(a);
    depth += dd;
    if (depth > maxDepth) maxDepth = depth;
  };
  const gen = (n: Node): void => {
    switch (n.k) {
      case 'num':
        emit(O_CONST, n.v, 1);
        return;
      case 'var':
        emit(O_VAR, n.i, 1);
        return;
      case 'un':
        gen(n.a);
        if (n.f === '-') emit(O_NEG);
        else emit(O_UNARY + UNARY_LIST.findIndex(([k]) => k === n.f));
        return;
      case 'bin': {
        const { op, a, b } = n;
        if (b.k === 'num' && (op === '+' || op === '-' || op === '*' || op === '/' || op === '^')) {
          gen(a);
          if (op === '^' && b.v === 2) emit(O_SQ);
          else if (op === '^' && b.v === 3) emit(O_CUBE);
          else if (op === '^' && b.v === 1) return;
          else if (op === '^' && b.v === 0.5) emit(O_UNARY + UNARY_LIST.findIndex(([k]) => k === 'sqrt'));
          else
            emit(op === '+' ? O_ADDC : op === '-' ? O_SUBC : op === '*' ? O_MULC : op === '/' ? O_DIVC : O_POWC, b.v);
          return;
        }
        if (a.k === 'num' && (op === '+' || op === '*' || op === '-' || op === '/')) {
          gen(b);
          emit(op === '+' ? O_ADDC : op === '*' ? O_MULC : op === '-' ? O_RSUBC : O_RDIVC, a.v);
          return;
        }
        gen(a);
        gen(b);
        emit(
          op === '+'
            ? O_ADD
            : op === '-'
              ? O_SUB
              : op === '*'
                ? O_MUL
                : op === '/'
                  ? O_DIV
                  : op === 'min'
                    ? O_MIN
                    : op === 'max'
                      ? O_MAX
                      : O_POW,
          0,
          -1,
        );
        return;
      }
    }
  };
  gen(root);
  return { code: Int32Array.from(code), arg: Float64Array.from(arg), stack: new Float64Array(Math.max(maxDepth, 1)) };
}

function runner(p: Program): Compiled {
  const { code, arg, stack } = p;
  const n = code.length;
  const fns = UNARY_LIST.map(([, f]) => f);
  return (v: Float64Array): number => {
    let sp = -1;
    for (let pc = 0; pc < n; pc++) {
      const op = code[pc]!;
      switch (op) {
        case O_CONST:
          stack[++sp] = arg[pc]!;
          break;
        case O_VAR:
          stack[++sp] = v[arg[pc]!]!;
          break;
        case O_ADD:
          sp--;
          stack[sp] = stack[sp]! + stack[sp + 1]!;
          break;
        case O_SUB:
          sp--;
          stack[sp] = stack[sp]! - stack[sp + 1]!;
          break;
        case O_MUL:
          sp--;
          stack[sp] = stack[sp]! * stack[sp + 1]!;
          break;
        case O_DIV:
          sp--;
          stack[sp] = stack[sp]! / stack[sp + 1]!;
          break;
        case O_POW:
          sp--;
          stack[sp] = Math.pow(stack[sp]!, stack[sp + 1]!);
          break;
        case O_MIN:
          sp--;
          stack[sp] = Math.min(stack[sp]!, stack[sp + 1]!);
          break;
        case O_MAX:
          sp--;
          stack[sp] = Math.max(stack[sp]!, stack[sp + 1]!);
          break;
        case O_NEG:
          stack[sp] = -stack[sp]!;
          break;
        case O_ADDC:
          stack[sp] = stack[sp]! + arg[pc]!;
          break;
        case O_SUBC:
          stack[sp] = stack[sp]! - arg[pc]!;
          break;
        case O_MULC:
          stack[sp] = stack[sp]! * arg[pc]!;
          break;
        case O_DIVC:
          stack[sp] = stack[sp]! / arg[pc]!;
          break;
        case O_POWC:
          stack[sp] = Math.pow(stack[sp]!, arg[pc]!);
          break;
        case O_RSUBC:
          stack[sp] = arg[pc]! - stack[sp]!;
          break;
        case O_RDIVC:
          stack[sp] = arg[pc]! / stack[sp]!;
          break;
        case O_SQ: {
          const x = stack[sp]!;
          stack[sp] = x * x;
          break;
        }
        case O_CUBE: {
          const x = stack[sp]!;
          stack[sp] = x * x * x;
          break;
        }
        case O_UNARY + 0:
          stack[sp] = Math.exp(stack[sp]!);
          break; // exp
        case O_UNARY + 4:
          stack[sp] = Math.sqrt(stack[sp]!);
          break; // sqrt
        case O_UNARY + 5:
          stack[sp] = Math.tanh(stack[sp]!);
          break; // tanh
        default:
          stack[sp] = fns[op - O_UNARY]!(stack[sp]!);
      }
    }
    return stack[0]!;
  };
}

/**
 * Fast path: a single-variable expression that is a constant plus a linear term plus a sum of
 * c·f(a·x + b) (f a unary function) and c·(a·x + b)^p — the shape of the usual fitted OCP and
 * electrolyte-property expressions (tanh/exp sums, polynomials, power laws) — is evaluated as that sum.
 */
interface TermSum {
  k0: number;
  lin: number;
  /** unary terms: c, function index in UNARY_LIST, a, b */
  u: Array<[number, number, number, number]>;
  /** power terms: c, p, a, b */
  p: Array<[number, number, number, number]>;
}

function termSum(n: Node, vi: number): TermSum | null {
  switch (n.k) {
    case 'num':
      return { k0: n.v, lin: 0, u: [], p: [] };
    case 'var':
      return n.i === vi ? { k0: 0, lin: 1, u: [], p: [] } : null;
    case 'un': {
      const a = termSum(n.a, vi);
      if (!a) return null;
      if (n.f === '-') return scale(a, -1);
      if (a.u.length || a.p.length) return null;
      return { k0: 0, lin: 0, u: [[1, UNARY_LIST.findIndex(([k]) => k === n.f), a.lin, a.k0]], p: [] };
    }
    case 'bin': {
      const a = termSum(n.a, vi);
      const b = termSum(n.b, vi);
      if (!a || !b) return null;
      const isConst = (t: TermSum): boolean => t.lin === 0 && t.u.length === 0 && t.p.length === 0;
      switch (n.op) {
        case '+':
          return { k0: a.k0 + b.k0, lin: a.lin + b.lin, u: [...a.u, ...b.u], p: [...a.p, ...b.p] };
        case '-':
          return termSum({ k: 'bin', op: '+', a: n.a, b: { k: 'un', f: '-', a: n.b } }, vi);
        case '*':
          if (isConst(a)) return scale(b, a.k0);
          if (isConst(b)) return scale(a, b.k0);
          return null;
        case '/':
          return isConst(b) ? scale(a, 1 / b.k0) : null;
        case '^':
        case 'pow':
          if (!isConst(b) || a.u.length || a.p.length) return null;
          return { k0: 0, lin: 0, u: [], p: [[1, b.k0, a.lin, a.k0]] };
        default:
          return null;
      }
    }
  }
}

function scale(t: TermSum, c: number): TermSum {
  return {
    k0: t.k0 * c,
    lin: t.lin * c,
    u: t.u.map(([k, f, a, b]) => [k * c, f, a, b] as [number, number, number, number]),
    p: t.p.map(([k, q, a, b]) => [k * c, q, a, b] as [number, number, number, number]),
  };
}

function termSumEvaluator(t: TermSum, vi: number): Compiled {
  const nu = t.u.length;
  const np = t.p.length;
  const uc = Float64Array.from(t.u.map((x) => x[0]));
  const uf = Int32Array.from(t.u.map((x) => x[1]));
  const ua = Float64Array.from(t.u.map((x) => x[2]));
  const ub = Float64Array.from(t.u.map((x) => x[3]));
  const pc = Float64Array.from(t.p.map((x) => x[0]));
  const pp = Float64Array.from(t.p.map((x) => x[1]));
  const pa = Float64Array.from(t.p.map((x) => x[2]));
  const pb = Float64Array.from(t.p.map((x) => x[3]));
  const fns = UNARY_LIST.map(([, f]) => f);
  const k0 = t.k0;
  const lin = t.lin;
  return (v: Float64Array): number => {
    const x = v[vi]!;
    let s = k0 + lin * x;
    for (let i = 0; i < nu; i++) {
      const z = ua[i]! * x + ub[i]!;
      const f = uf[i]!;
      s += uc[i]! * (f === 5 ? Math.tanh(z) : f === 0 ? Math.exp(z) : fns[f]!(z));
    }
    for (let i = 0; i < np; i++) {
      const z = pa[i]! * x + pb[i]!;
      const q = pp[i]!;
      s +=
        pc[i]! *
        (q === 2
          ? z * z
          : q === 3
            ? z * z * z
            : q === 1.5
              ? z * Math.sqrt(z)
              : q === 0.5
                ? Math.sqrt(z)
                : Math.pow(z, q));
    }
    return s;
  };
}

/** Compile `src` into an evaluator. `where` names the field for error messages. */
export function compileExpression(src: string, variables: readonly string[], where = 'expression'): CompiledExpression {
  const toks = tokenize(src, where);
  let pos = 0;
  const used = new Set<string>();
  const peek = (): Tok => toks[pos]!;
  const fail = (msg: string): never => {
    throw new ExpressionError(
      where,
      `${msg} at position ${peek().p} in "${src}"`,
      `'${src}'`,
      'an expression (src/electrochem/expr.ts)',
    );
  };
  const isOp = (v: string): boolean => {
    const t = peek();
    return t.k === 'op' && t.v === v;
  };
  const expect = (v: string): void => {
    if (!isOp(v)) fail(`expected '${v}'`);
    pos++;
  };

  function parseExpr(): Node {
    let left = parseTerm();
    for (;;) {
      if (isOp('+') || isOp('-')) {
        const op = (peek() as { v: string }).v as '+' | '-';
        pos++;
        left = { k: 'bin', op, a: left, b: parseTerm() };
      } else return left;
    }
  }
  function parseTerm(): Node {
    let left = parseUnary();
    for (;;) {
      if (isOp('*') || isOp('/')) {
        const op = (peek() as { v: string }).v as '*' | '/';
        pos++;
        left = { k: 'bin', op, a: left, b: parseUnary() };
      } else return left;
    }
  }
  function parseUnary(): Node {
    if (isOp('-')) {
      pos++;
      return { k: 'un', f: '-', a: parseUnary() };
    }
    if (isOp('+')) {
      pos++;
      return parseUnary();
    }
    return parsePower();
  }
  function parsePower(): Node {
    const base = parseAtom();
    if (isOp('**') || isOp('^')) {
      pos++;
      return { k: 'bin', op: '^', a: base, b: parseUnary() };
    }
    return base;
  }
  function parseAtom(): Node {
    const t = peek();
    if (t.k === 'num') {
      pos++;
      return { k: 'num', v: t.v };
    }
    if (t.k === 'op' && t.v === '(') {
      pos++;
      const e = parseExpr();
      expect(')');
      return e;
    }
    if (t.k === 'name') {
      pos++;
      if (isOp('(')) {
        pos++;
        const args: Node[] = [parseExpr()];
        while (isOp(',')) {
          pos++;
          args.push(parseExpr());
        }
        expect(')');
        if (UNARY[t.v]) {
          if (args.length !== 1) fail(`function ${t.v} takes 1 argument (got ${args.length})`);
          return { k: 'un', f: t.v, a: args[0]! };
        }
        if (BINARY[t.v]) {
          if (args.length !== 2) fail(`function ${t.v} takes 2 arguments (got ${args.length})`);
          return { k: 'bin', op: t.v as 'pow' | 'min' | 'max', a: args[0]!, b: args[1]! };
        }
        throw new ExpressionError(where, `unknown function in "${src}"`, `'${t.v}'`, FUNCTION_NAMES.join(', '));
      }
      const idx = variables.indexOf(t.v);
      if (idx >= 0) {
        used.add(t.v);
        return { k: 'var', i: idx };
      }
      const c = CONSTANTS[t.v];
      if (c !== undefined) return { k: 'num', v: c };
      throw new ExpressionError(
        where,
        `unknown variable in "${src}"`,
        `'${t.v}'`,
        [...variables, ...Object.keys(CONSTANTS)].join(', '),
      );
    }
    if (t.k === 'end') return fail('unexpected end of expression');
    return fail(`unexpected '${t.k === 'op' ? t.v : ''}'`);
  }

  if (src.trim() === '') throw new ExpressionError(where, 'empty expression', "''", 'an expression');
  const tree = parseExpr();
  if (peek().k !== 'end') fail('unexpected trailing input');
  const folded = fold(tree);
  let evaluate: Compiled;
  if (folded.k === 'num')
    evaluate = (
      (c: number) => () =>
        c
    )(folded.v);
  else {
    const usedIdx = [...used].map((u) => variables.indexOf(u));
    const ts = usedIdx.length === 1 ? termSum(folded, usedIdx[0]!) : null;
    evaluate = ts ? termSumEvaluator(ts, usedIdx[0]!) : runner(compileProgram(folded));
  }
  return { evaluate, variables, used, source: src };
}
