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
 * The result is a closure tree over a Float64Array of variable values; evaluation allocates nothing.
 */

export type Compiled = (v: Float64Array) => number;

export interface CompiledExpression {
  /** evaluate with variable values in the order of `variables` */
  readonly evaluate: Compiled;
  readonly variables: readonly string[];
  /** names of the variables the expression actually uses */
  readonly used: ReadonlySet<string>;
  readonly source: string;
}

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
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
    throw new ExpressionError(`${where}: unexpected character '${c}' at position ${i} in "${src}" (allowed: numbers, variables, + - * / ** ^ ( ) , and functions ${FUNCTION_NAMES.join(', ')})`);
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

/** Compile `src` into a closure. `where` names the field for error messages. */
export function compileExpression(src: string, variables: readonly string[], where = 'expression'): CompiledExpression {
  const toks = tokenize(src, where);
  let pos = 0;
  const used = new Set<string>();
  const peek = (): Tok => toks[pos]!;
  const fail = (msg: string): never => {
    throw new ExpressionError(`${where}: ${msg} at position ${peek().p} in "${src}"`);
  };
  const isOp = (v: string): boolean => {
    const t = peek();
    return t.k === 'op' && t.v === v;
  };
  const expect = (v: string): void => {
    if (!isOp(v)) fail(`expected '${v}'`);
    pos++;
  };

  function parseExpr(): Compiled {
    let left = parseTerm();
    for (;;) {
      if (isOp('+')) {
        pos++;
        const a = left;
        const b = parseTerm();
        left = (v) => a(v) + b(v);
      } else if (isOp('-')) {
        pos++;
        const a = left;
        const b = parseTerm();
        left = (v) => a(v) - b(v);
      } else return left;
    }
  }
  function parseTerm(): Compiled {
    let left = parseUnary();
    for (;;) {
      if (isOp('*')) {
        pos++;
        const a = left;
        const b = parseUnary();
        left = (v) => a(v) * b(v);
      } else if (isOp('/')) {
        pos++;
        const a = left;
        const b = parseUnary();
        left = (v) => a(v) / b(v);
      } else return left;
    }
  }
  function parseUnary(): Compiled {
    if (isOp('-')) {
      pos++;
      const a = parseUnary();
      return (v) => -a(v);
    }
    if (isOp('+')) {
      pos++;
      return parseUnary();
    }
    return parsePower();
  }
  function parsePower(): Compiled {
    const base = parseAtom();
    if (isOp('**') || isOp('^')) {
      pos++;
      const ex = parseUnary();
      return (v) => Math.pow(base(v), ex(v));
    }
    return base;
  }
  function parseAtom(): Compiled {
    const t = peek();
    if (t.k === 'num') {
      pos++;
      const c = t.v;
      return () => c;
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
        const args: Compiled[] = [parseExpr()];
        while (isOp(',')) {
          pos++;
          args.push(parseExpr());
        }
        expect(')');
        const u = UNARY[t.v];
        const b = BINARY[t.v];
        if (u) {
          if (args.length !== 1) fail(`function ${t.v} takes 1 argument (got ${args.length})`);
          const a = args[0]!;
          return (v) => u(a(v));
        }
        if (b) {
          if (args.length !== 2) fail(`function ${t.v} takes 2 arguments (got ${args.length})`);
          const a = args[0]!;
          const c = args[1]!;
          return (v) => b(a(v), c(v));
        }
        throw new ExpressionError(`${where}: unknown function '${t.v}' in "${src}" (allowed: ${FUNCTION_NAMES.join(', ')})`);
      }
      const idx = variables.indexOf(t.v);
      if (idx >= 0) {
        used.add(t.v);
        return (v) => v[idx]!;
      }
      const c = CONSTANTS[t.v];
      if (c !== undefined) return () => c;
      throw new ExpressionError(`${where}: unknown variable '${t.v}' in "${src}" (allowed: ${[...variables, ...Object.keys(CONSTANTS)].join(', ')})`);
    }
    if (t.k === 'end') return fail('unexpected end of expression');
    return fail(`unexpected '${t.k === 'op' ? t.v : ''}'`);
  }

  if (src.trim() === '') throw new ExpressionError(`${where}: empty expression`);
  const evaluate = parseExpr();
  if (peek().k !== 'end') fail('unexpected trailing input');
  return { evaluate, variables, used, source: src };
}
