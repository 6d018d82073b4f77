/**
 * NSGA-II (Deb, Pratap, Agarwal & Meyarivan, "A fast and elitist multiobjective genetic algorithm:
 * NSGA-II", IEEE Trans. Evol. Comput. 6 (2002) 182, doi:10.1109/4235.996017): fast non-dominated
 * sorting, crowding distance, binary tournaments on (constraint-domination, rank, crowding), simulated
 * binary crossover (η_c = 15, p_c = 0.9) and polynomial mutation (η_m = 20, p_m = 1/d), on genes in
 * [0, 1]^d. Constraints by Deb's rule (§VI of the paper): a feasible solution beats an infeasible one,
 * two infeasible ones compare by total violation. All objectives are minimised. Pure and seeded; the
 * evaluation of a generation is the caller's (so it can run on a worker pool).
 *
 * npm has no maintained multi-objective optimiser for Node (checked: only unmaintained genetic-js
 * copies), so it is written here, about 200 lines, after the paper.
 */
import { Rng } from '../numerics/rng.ts';

export interface Individual {
  genes: number[];
  /** objectives, all minimised */
  f: number[];
  /** total constraint violation (0 = feasible) */
  violation: number;
  rank?: number;
  crowding?: number;
  /** caller's reference (e.g. the study point index) */
  ref?: number;
}

/** whether a constraint-dominates b */
export function dominates(a: Individual, b: Individual): boolean {
  if (a.violation === 0 && b.violation > 0) return true;
  if (a.violation > 0 && b.violation === 0) return false;
  if (a.violation > 0 && b.violation > 0) return a.violation < b.violation;
  let better = false;
  for (let k = 0; k < a.f.length; k++) {
    if (a.f[k]! > b.f[k]!) return false;
    if (a.f[k]! < b.f[k]!) better = true;
  }
  return better;
}

/** fronts (indices into pop), rank set on each individual */
export function nonDominatedSort(pop: Individual[]): number[][] {
  const n = pop.length;
  const S: number[][] = pop.map(() => []);
  const count = new Int32Array(n);
  const fronts: number[][] = [[]];
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      if (p === q) continue;
      if (dominates(pop[p]!, pop[q]!)) S[p]!.push(q);
      else if (dominates(pop[q]!, pop[p]!)) count[p]!++;
    }
    if (count[p] === 0) {
      pop[p]!.rank = 0;
      fronts[0]!.push(p);
    }
  }
  for (let i = 0; fronts[i]!.length > 0; i++) {
    const next: number[] = [];
    for (const p of fronts[i]!)
      for (const q of S[p]!) {
        if (--count[q]! === 0) {
          pop[q]!.rank = i + 1;
          next.push(q);
        }
      }
    fronts.push(next);
  }
  fronts.pop();
  return fronts;
}

export function crowding(pop: Individual[], front: number[]): void {
  for (const i of front) pop[i]!.crowding = 0;
  if (front.length === 0) return;
  const m = pop[front[0]!]!.f.length;
  for (let k = 0; k < m; k++) {
    const s = [...front].sort((a, b) => pop[a]!.f[k]! - pop[b]!.f[k]! || a - b);
    const lo = pop[s[0]!]!.f[k]!;
    const hi = pop[s[s.length - 1]!]!.f[k]!;
    pop[s[0]!]!.crowding = Infinity;
    pop[s[s.length - 1]!]!.crowding = Infinity;
    if (!(hi > lo)) continue;
    for (let j = 1; j < s.length - 1; j++)
      pop[s[j]!]!.crowding! += (pop[s[j + 1]!]!.f[k]! - pop[s[j - 1]!]!.f[k]!) / (hi - lo);
  }
}

function better(a: Individual, b: Individual): boolean {
  if (a.violation !== b.violation && (a.violation > 0 || b.violation > 0)) return a.violation < b.violation;
  if (a.rank! !== b.rank!) return a.rank! < b.rank!;
  return a.crowding! > b.crowding!;
}

/** SBX + polynomial mutation offspring of a ranked population (size = pop.length) */
export function offspring(pop: Individual[], rng: Rng, etaC = 15, etaM = 20, pc = 0.9): number[][] {
  const d = pop[0]!.genes.length;
  const pm = 1 / d;
  const pick = (): Individual => {
    const a = pop[Math.floor(rng.uniform() * pop.length)]!;
    const b = pop[Math.floor(rng.uniform() * pop.length)]!;
    return better(a, b) ? a : b;
  };
  const kids: number[][] = [];
  while (kids.length < pop.length) {
    const p1 = pick().genes;
    const p2 = pick().genes;
    const c1 = [...p1];
    const c2 = [...p2];
    if (rng.uniform() < pc) {
      for (let j = 0; j < d; j++) {
        if (rng.uniform() > 0.5 || Math.abs(p1[j]! - p2[j]!) < 1e-14) continue;
        const u = rng.uniform();
        const beta = u <= 0.5 ? (2 * u) ** (1 / (etaC + 1)) : (1 / (2 * (1 - u))) ** (1 / (etaC + 1));
        c1[j] = 0.5 * ((1 + beta) * p1[j]! + (1 - beta) * p2[j]!);
        c2[j] = 0.5 * ((1 - beta) * p1[j]! + (1 + beta) * p2[j]!);
      }
    }
    for (const c of [c1, c2]) {
      for (let j = 0; j < d; j++) {
        if (rng.uniform() < pm) {
          const u = rng.uniform();
          const delta = u < 0.5 ? (2 * u) ** (1 / (etaM + 1)) - 1 : 1 - (2 * (1 - u)) ** (1 / (etaM + 1));
          c[j] = c[j]! + delta;
        }
        c[j] = Math.min(1 - 1e-12, Math.max(0, c[j]!));
      }
      if (kids.length < pop.length) kids.push(c);
    }
  }
  return kids;
}

/** environmental selection: the best `size` of parents ∪ children, ranked and crowded */
export function select(all: Individual[], size: number): Individual[] {
  const fronts = nonDominatedSort(all);
  const out: Individual[] = [];
  for (const f of fronts) {
    crowding(all, f);
    if (out.length + f.length <= size) {
      for (const i of f) out.push(all[i]!);
    } else {
      const rest = [...f].sort((a, b) => all[b]!.crowding! - all[a]!.crowding! || a - b);
      for (const i of rest.slice(0, size - out.length)) out.push(all[i]!);
      break;
    }
  }
  // ranks and crowding within the selected population, for the next tournaments
  for (const f of nonDominatedSort(out)) crowding(out, f);
  return out;
}

export interface Nsga2Options {
  population: number;
  generations: number;
  seed: number;
  /** initial genes (e.g. Sobol' points); default uniform random */
  initial?: number[][];
  /** evaluates a generation's genes (in order) */
  evaluate: (genes: number[][], generation: number) => Promise<{ f: number[]; violation: number; ref?: number }[]>;
}

/** Runs NSGA-II; returns the final population (rank 0 feasible members are the Pareto front). */
export async function nsga2(o: Nsga2Options): Promise<Individual[]> {
  const rng = new Rng(o.seed);
  const init = o.initial ?? Array.from({ length: o.population }, () => []);
  let genes = init.map((g) => g);
  const evalGen = async (gs: number[][], gen: number): Promise<Individual[]> => {
    const r = await o.evaluate(gs, gen);
    return gs.map((g, i) => ({
      genes: g,
      f: r[i]!.f,
      violation: r[i]!.violation,
      ...(r[i]!.ref !== undefined ? { ref: r[i]!.ref } : {}),
    }));
  };
  let pop = select(await evalGen(genes, 0), o.population);
  for (let g = 1; g < o.generations; g++) {
    genes = offspring(pop, rng);
    const kids = await evalGen(genes, g);
    pop = select([...pop, ...kids], o.population);
  }
  return pop;
}
