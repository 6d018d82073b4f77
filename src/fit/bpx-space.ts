/**
 * The parameter space of a BPX cell for fitting: any numeric or function-valued field of the BPX
 * document, named by its path (`Parameterisation.Negative electrode.Diffusivity [m2.s-1]`, the
 * `Parameterisation.` prefix optional) or by a short alias (`negative.diffusivity`). A numeric field is
 * fitted as its value (in the file's units); a function of stoichiometry or concentration (expression
 * or table) is fitted as a multiplier of the file's function (1 = as given), written back as
 * `<factor> * (<expression>)` or a scaled table. The initial state of charge (`initial_soc`,
 * State.Initial state-of-charge) may be fitted too. Pure: documents in, documents out.
 */
import { ProblemError } from '../problems.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type BpxDocument = { [k: string]: Json };

/** short names of the fields a fit usually varies */
export const BPX_ALIASES: Readonly<Record<string, string>> = (() => {
  const out: Record<string, string> = {};
  const electrode: Record<string, string> = {
    diffusivity: 'Diffusivity [m2.s-1]',
    rate_constant: 'Reaction rate constant [mol.m-2.s-1]',
    sto_min: 'Minimum stoichiometry',
    sto_max: 'Maximum stoichiometry',
    particle_radius: 'Particle radius [m]',
    thickness: 'Thickness [m]',
    porosity: 'Porosity',
    transport_efficiency: 'Transport efficiency',
    conductivity: 'Conductivity [S.m-1]',
    surface_area: 'Surface area per unit volume [m-1]',
    c_max: 'Maximum concentration [mol.m-3]',
    ocp: 'OCP [V]',
  };
  for (const [side, sec] of [
    ['negative', 'Negative electrode'],
    ['positive', 'Positive electrode'],
  ] as const)
    for (const [k, v] of Object.entries(electrode)) out[`${side}.${k}`] = `Parameterisation.${sec}.${v}`;
  for (const [k, v] of Object.entries({
    thickness: 'Thickness [m]',
    porosity: 'Porosity',
    transport_efficiency: 'Transport efficiency',
  }))
    out[`separator.${k}`] = `Parameterisation.Separator.${v}`;
  for (const [k, v] of Object.entries({
    conductivity: 'Conductivity [S.m-1]',
    diffusivity: 'Diffusivity [m2.s-1]',
    transference_number: 'Cation transference number',
    initial_concentration: 'Initial concentration [mol.m-3]',
  }))
    out[`electrolyte.${k}`] = `Parameterisation.Electrolyte.${v}`;
  out['initial_soc'] = 'State.Initial state-of-charge';
  return out;
})();

/** a field of the document a parameter acts on */
export interface BpxField {
  /** the keys from the document root */
  readonly keys: readonly string[];
  /** 'value': the number itself; 'factor': a multiplier of a function-valued field */
  readonly kind: 'value' | 'factor';
  /** the field's value in the document as read (the factor's reference is 1) */
  readonly reference: number;
  /** the full dotted path, for messages and reports */
  readonly path: string;
}

const isObj = (v: unknown): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** splits a dotted path against the document's own keys (keys may contain dots: `[m2.s-1]`) */
function splitPath(doc: BpxDocument, path: string): string[] | null {
  const walk = (node: Json, rest: string): string[] | null => {
    if (!isObj(node)) return null;
    // longest key first, so that `Diffusivity [m2.s-1]` wins over a shorter prefix
    const keys = Object.keys(node).sort((a, b) => b.length - a.length);
    for (const k of keys) {
      if (rest === k) return [k];
      if (rest.startsWith(k + '.')) {
        const sub = walk(node[k]!, rest.slice(k.length + 1));
        if (sub) return [k, ...sub];
      }
    }
    return null;
  };
  return walk(doc, path);
}

/** resolves a parameter name (alias or path) to its field in the document, or a ProblemError */
export function resolveBpxField(doc: BpxDocument, name: string, where: string): BpxField {
  const full = BPX_ALIASES[name] ?? name;
  if (full === 'State.Initial state-of-charge' || full === 'initial_soc') {
    const st = doc['State'];
    const ic = isObj(st) && isObj(st['Initial conditions']) ? st['Initial conditions'] : isObj(st) ? st : undefined;
    const v = ic ? (ic['Initial state-of-charge'] ?? ic['Initial state of charge']) : undefined;
    return {
      keys:
        isObj(st) && isObj(st['Initial conditions'])
          ? ['State', 'Initial conditions', 'Initial state-of-charge']
          : ['State', 'Initial state-of-charge'],
      kind: 'value',
      reference: typeof v === 'number' ? v : 1,
      path: 'State.Initial state-of-charge',
    };
  }
  const keys =
    splitPath(doc, full) ?? (full.startsWith('Parameterisation.') ? null : splitPath(doc, `Parameterisation.${full}`));
  if (!keys)
    throw new ProblemError({
      path: where,
      problem: 'not a field of the BPX file',
      got: JSON.stringify(name),
      allowed: `a BPX path (e.g. "Negative electrode.Diffusivity [m2.s-1]") or an alias: ${Object.keys(BPX_ALIASES).join(', ')}`,
    });
  let node: Json = doc;
  for (const k of keys) node = (node as { [k: string]: Json })[k]!;
  if (keys[0] !== 'Parameterisation')
    throw new ProblemError({
      path: where,
      problem: 'not a model parameter (only Parameterisation fields and the initial state of charge can be fitted)',
      got: JSON.stringify(name),
      allowed: 'a field under Parameterisation, or initial_soc',
    });
  const path = keys.join('.');
  if (typeof node === 'number') return { keys, kind: 'value', reference: node, path };
  if (typeof node === 'string' || (isObj(node) && Array.isArray(node['x']) && Array.isArray(node['y'])))
    return { keys, kind: 'factor', reference: 1, path };
  throw new ProblemError({
    path: where,
    problem: 'not a numeric or function-valued field',
    got: `${JSON.stringify(name)} = ${JSON.stringify(node)?.slice(0, 60)}`,
    allowed: 'a number, an expression string or a {x, y} table',
  });
}

/** a deep copy of doc with the fields set to the values (value: the number; factor: the function scaled) */
export function applyBpxValues(doc: BpxDocument, fields: readonly BpxField[], values: ArrayLike<number>): BpxDocument {
  const out = structuredClone(doc) as BpxDocument;
  fields.forEach((f, i) => {
    const v = values[i]!;
    let node: { [k: string]: Json } = out;
    for (let q = 0; q < f.keys.length - 1; q++) {
      const k = f.keys[q]!;
      if (!isObj(node[k])) node[k] = {};
      node = node[k] as { [k: string]: Json };
    }
    const last = f.keys[f.keys.length - 1]!;
    if (f.kind === 'value') {
      node[last] = v;
      return;
    }
    const cur = node[last]!;
    if (typeof cur === 'string') node[last] = `${v} * (${cur})`;
    else if (typeof cur === 'number') node[last] = cur * v;
    else if (isObj(cur) && Array.isArray(cur['y']))
      node[last] = { ...cur, y: (cur['y'] as number[]).map((y) => (typeof y === 'number' ? y * v : y)) };
  });
  return out;
}
