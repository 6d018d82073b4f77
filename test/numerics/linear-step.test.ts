/**
 * The linear-step engine (src/numerics/linear-step.ts) on systems with analytic solutions: dy/dt = −Λ·y +
 * b + u·e (Λ diagonal) with the output v = c·y + R·u. The test systems step with the exact propagator for
 * an input held over the step, y(h) = e^{−λh}·y + (1 − e^{−λh})/λ·(b + u·e), which is linear in u as the
 * engine requires — so under a fixed input every step's end is the analytic solution, and what is left to
 * check is the engine's: the time loop and its step lengths, the cut-off's location inside a step, the
 * integrals, and the held output's Newton and end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearStepEngine, type LinearStepSystem } from '../../src/numerics/index.ts';

/** dy_i/dt = −λ_i·y_i + b_i + u·e_i, v = Σ c_i·y_i + R·u, stepped exactly for a held input */
class ExactLinear implements LinearStepSystem {
  output = 0;
  dOutput = 0;
  prepares = 0;
  private readonly base: Float64Array;
  private readonly g: Float64Array;
  constructor(
    readonly lam: number[],
    readonly b: number[],
    readonly e: number[],
    readonly c: number[],
    readonly R: number,
  ) {
    this.base = new Float64Array(lam.length);
    this.g = new Float64Array(lam.length);
  }
  prepare(y: Float64Array, h: number): void {
    this.prepares++;
    for (let i = 0; i < this.lam.length; i++) {
      const l = this.lam[i]!;
      const d = Math.exp(-l * h);
      const w = -Math.expm1(-l * h) / l;
      this.base[i] = d * y[i]! + w * this.b[i]!;
      this.g[i] = w * this.e[i]!;
    }
  }
  evaluate(u: number): void {
    let v = this.R * u;
    let dv = this.R;
    for (let i = 0; i < this.lam.length; i++) {
      v += this.c[i]! * (this.base[i]! + u * this.g[i]!);
      dv += this.c[i]! * this.g[i]!;
    }
    this.output = v;
    this.dOutput = dv;
  }
  commit(y: Float64Array, u: number): void {
    for (let i = 0; i < this.lam.length; i++) y[i] = this.base[i]! + u * this.g[i]!;
  }
  instantOutput(y: Float64Array, u: number): number {
    let v = this.R * u;
    for (let i = 0; i < this.lam.length; i++) v += this.c[i]! * y[i]!;
    return v;
  }
  /** the analytic state at time t under a fixed input u from y0 */
  exact(y0: readonly number[], u: number, t: number): number[] {
    return this.lam.map((l, i) => {
      const inf = (this.b[i]! + u * this.e[i]!) / l;
      return inf + (y0[i]! - inf) * Math.exp(-l * t);
    });
  }
}

test('fixed input to the end time: the state is the analytic one, the steps grow and the last is cut to tEnd', () => {
  const sys = new ExactLinear([0.5, 3], [1, -2], [2, 0.5], [1, 1], 0.1);
  const y0 = [0.3, -0.7];
  const y = Float64Array.from(y0);
  const u = 0.8;
  // h0 = 0.1 doubling: 0.1, 0.2, …, 6.4 (sum 12.7), then 0.3 to tEnd = 13
  const r = new LinearStepEngine(sys).runInput(y, u, { tEnd: 13, h0: 0.1, growth: 2 });
  assert.equal(r.stop, 'tEnd');
  assert.ok(Math.abs(r.t - 13) <= 1e-12, String(r.t));
  assert.equal(sys.prepares, 8);
  const ye = sys.exact(y0, u, 13);
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(y[i]! - ye[i]!) <= 1e-12, `y${i}: ${y[i]} vs ${ye[i]}`);
  assert.ok(Math.abs(r.inputIntegral - u * 13) <= 1e-12, String(r.inputIntegral));
  assert.ok(
    Math.abs(r.outputEnd - sys.instantOutput(y, u)) <= 1e-12,
    'Math.abs(r.outputEnd - sys.instantOutput(y, u)) <= 1e-12',
  );
  // hMax caps the growth: 0.1, 0.2, 0.4, then 0.5 to 3.0 → 3 + 5 steps
  sys.prepares = 0;
  const r2 = new LinearStepEngine(sys).runInput(Float64Array.from(y0), u, { tEnd: 3.2, h0: 0.1, growth: 2, hMax: 0.5 });
  assert.equal(sys.prepares, 8);
  assert.ok(Math.abs(r2.t - 3.2) <= 1e-12, String(r2.t));
});

test('a cut-off inside a step is located at the analytic crossing time; ∫u·v dt to second order in h', () => {
  // one state: v(t) = v∞ + (v0 − v∞)·e^{−λt} + R·u, falling through the cut-off 0.2
  const lam = 0.7;
  const sys = new ExactLinear([lam], [0], [1], [1], 0.05);
  const u = -1;
  const y0 = 1;
  const vInf = u / lam + sys.R * u;
  const v0 = y0 + sys.R * u;
  const cut = 0.2;
  const tStar = Math.log((v0 - vInf) / (cut - vInf)) / lam;
  /** ∫u·v dt from 0 to t, analytic */
  const work = (t: number): number => u * (vInf * t + ((v0 - vInf) * -Math.expm1(-lam * t)) / lam);
  const errs: number[] = [];
  for (const h0 of [0.1, 0.05]) {
    const y = Float64Array.from([y0]);
    const r = new LinearStepEngine(sys).runInput(
      y,
      u,
      { tEnd: 100, h0 },
      { target: cut, direction: -1, vtol: 1e-12, xtol: 1e-14 },
    );
    assert.equal(r.stop, 'event');
    // located to vtol in v, |dv/dt| ≈ 1 there: the time to ≈ 1e-12
    assert.ok(Math.abs(r.t - tStar) <= 1e-10, `t ${r.t} vs ${tStar}`);
    assert.ok(Math.abs(r.outputEnd - cut) <= 1e-12, String(r.outputEnd));
    assert.ok(
      Math.abs(y[0]! - sys.exact([y0], u, tStar)[0]!) <= 1e-10,
      'Math.abs(y[0]! - sys.exact([y0], u, tStar)[0]!) <= 1e-10',
    );
    assert.ok(Math.abs(r.inputIntegral - u * tStar) <= 1e-10, 'Math.abs(r.inputIntegral - u * tStar) <= 1e-10');
    assert.equal(r.outputStart, v0);
    errs.push(Math.abs(r.workIntegral - work(tStar)));
  }
  // the trapezoid's error: ≤ t·h²/12·max|v''| (v'' = λ²·(v0 − v∞)·e^{−λt} ≤ λ²·(v0 − v∞)), and ≈ 4× less at h/2
  assert.ok(errs[0]! <= (tStar * 0.01 * lam * lam * (v0 - vInf)) / 12, `err ${errs[0]}`);
  assert.ok(errs[0]! / errs[1]! > 3.5 && errs[0]! / errs[1]! < 4.5, `ratio ${errs[0]! / errs[1]!}`);
});

test('a cut-off already reached when the input is switched on stops at once, the state untouched', () => {
  const sys = new ExactLinear([1], [0], [1], [1], 0.5);
  const y = Float64Array.from([1]);
  // v at the switch: 1 + 0.5·2 = 2 ≥ 1.5
  const r = new LinearStepEngine(sys).runInput(
    y,
    2,
    { tEnd: 10, h0: 1 },
    { target: 1.5, direction: 1, vtol: 1e-9, xtol: 1e-9 },
  );
  assert.equal(r.stop, 'event');
  assert.equal(r.t, 0);
  assert.equal(r.outputEnd, 2);
  assert.equal(y[0], 1);
  assert.equal(sys.prepares, 0);
});

test('a held output: the input holds it at every step, decays as the analytic solution, stops at uStop', () => {
  // dy/dt = −λ·y + u, v = y + R·u held at V: u = (V − y)/R, y → y∞ with rate μ = λ + 1/R
  const lam = 0.2;
  const R = 2;
  const V = 1;
  const y0 = 0.1;
  const mu = lam + 1 / R;
  const yInf = V / (R * mu);
  const uOf = (t: number): number => (V - (yInf + (y0 - yInf) * Math.exp(-mu * t))) / R;
  const uStop = 0.5 * (uOf(0) + (V - yInf) / R); // half-way from the start to the final input
  const tStar = -Math.log((V - R * uStop - yInf) / (y0 - yInf)) / mu;
  const charge = (t: number): number => (V * t - (yInf * t + ((y0 - yInf) * -Math.expm1(-mu * t)) / mu)) / R;
  const errT: number[] = [];
  for (const h0 of [0.004, 0.002]) {
    const sys = new ExactLinear([lam], [0], [1], [1], R);
    const y = Float64Array.from([y0]);
    const r = new LinearStepEngine(sys).runOutput(y, V, 0, { uStop, vtol: 1e-13, xtol: 1e-13 }, { tEnd: 100, h0 });
    assert.equal(r.stop, 'event');
    // the output held: Newton to 1e-12 relative on the input
    assert.ok(Math.abs(y[0]! + R * r.inputEnd - V) <= 1e-12, `v ${y[0]! + R * r.inputEnd}`);
    assert.ok(Math.abs(r.inputEnd - uStop) <= 1e-12, `u ${r.inputEnd} vs ${uStop}`);
    // solved on a vanishing step (1e-9): the input there, to du/dt·1e-9
    assert.ok(Math.abs(r.inputStart - uOf(0)) <= 1e-9, `u0 ${r.inputStart} vs ${uOf(0)}`);
    assert.equal(r.outputEnd, V);
    // the input is held over each step (backward-Euler-like in the input): first order in h
    errT.push(Math.abs(r.t - tStar));
    assert.ok(errT.at(-1)! <= h0, `t ${r.t} vs ${tStar}`);
    assert.ok(Math.abs(r.inputIntegral - charge(tStar)) <= 2 * h0 * uOf(0), `q ${r.inputIntegral} vs ${charge(tStar)}`);
    assert.ok(
      Math.abs(r.workIntegral - V * r.inputIntegral) <= 1e-15,
      'Math.abs(r.workIntegral - V * r.inputIntegral) <= 1e-15',
    );
  }
  assert.ok(errT[0]! / errT[1]! > 1.7 && errT[0]! / errT[1]! < 2.3, `ratio ${errT[0]! / errT[1]!}`);
});

test('a held output whose input never falls to uStop runs to the end time on growing steps', () => {
  const sys = new ExactLinear([0.2], [0], [1], [1], 2);
  const y = Float64Array.from([0.1]);
  const r = new LinearStepEngine(sys).runOutput(
    y,
    1,
    0,
    { uStop: 1e-6, vtol: 1e-15, xtol: 1e-9 },
    { tEnd: 10, h0: 1, growth: 1.5, hMax: 2 },
  );
  assert.equal(r.stop, 'tEnd');
  assert.ok(Math.abs(r.t - 10) <= 1e-12, 'Math.abs(r.t - 10) <= 1e-12');
  // 1, 1.5, 2, 2, 2 → 8.5, then 1.5 to 10: six steps
  assert.equal(sys.prepares, 6 + 1); // and the vanishing step at the switch
  assert.ok(Math.abs(y[0]! + 2 * r.inputEnd - 1) <= 1e-12, 'Math.abs(y[0]! + 2 * r.inputEnd - 1) <= 1e-12');
});
