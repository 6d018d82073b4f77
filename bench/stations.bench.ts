/**
 * Station physics figures: time per simulateStations call (the production run calls it ~50 000 times a
 * shift), the force → Li-reduction table of process-models.md §1.4b recomputed by the full stack model,
 * the Al-yield transition, and crack risk sandwiched vs free-standing. Prints; never part of `npm test`.
 * Run: node --import tsx bench/stations.bench.ts
 */
import { simulateStations } from '../src/process/stations.ts';
import { alloyHistory, alloyHistoryCounts, type AlloyHistoryFn } from '../src/process/alloying.ts';
import { expandAlloyHistory } from '../src/process/alloy-expansion.ts';
import { presentLine } from '../src/present/line.ts';
import { rollStack, forceForReduction } from '../src/process/rolling.ts';
import type { ProcessInput } from '../src/process/types.ts';

function example(force = 300, T240 = 373.15, v = 1 / 60, web = 0.05): ProcessInput {
  const st = (id: '236' | '240', T: number) => ({
    id,
    force_N: force,
    rollDiameter_m: 0.1,
    faceWidth_m: 0.3,
    temperature_K: T,
  });
  return {
    cell: { width_m: 0.08, length_m: 0.1 },
    firstSheet: {
      inSitu: false,
      cathode: { role: 'cathode', name: 'cathode', material: 'cathode-composite', thickness_m: 60e-6, porosity: 0.2 },
      electrolyte: {
        role: 'electrolyte',
        name: 'electrolyte',
        material: 'sulfide-SE',
        thickness_m: 30e-6,
        porosity: 0.2,
      },
      // NCM811 / Li6PS5Cl / carbon / binder 70/27/2/1 wt % at 20 % porosity (volume fractions)
      composite: {
        activeMaterialId: 'NCM811',
        electrolyteId: 'Li6PS5Cl',
        volumeFractions: { active: 0.4, electrolyte: 0.36, conductive: 0.03, binder: 0.01, pores: 0.2 },
        particleRadius_m: 2.5e-6,
      },
      electrolyteId: 'Li6PS5Cl',
    },
    alSheet: { form: 'foil', layer: { role: 'al', name: 'al', material: 'Al-O', thickness_m: 10e-6 } },
    thirdSheet: {
      li: { role: 'li', name: 'li', material: 'Li', thickness_m: 13e-6 },
      conductor: { role: 'conductor', name: 'cu', material: 'Cu', thickness_m: 10e-6 },
      orientation: 'li_facing_al',
      conductorId: 'Cu',
    },
    stations: { '236': st('236', 298.15), '240': st('240', T240) },
    line: {
      speed_m_s: v,
      webWidth_m: web,
      dwell_s: 60,
      dwellTemperature_K: 298.15,
      storage_s: 86400,
      storageTemperature_K: 298.15,
    },
  };
}

// ---- timing
const N = 5000;
for (let i = 0; i < 200; i++) simulateStations(example(300 + (i % 7)));
const t0 = performance.now();
let sink = 0;
for (let i = 0; i < N; i++)
  sink += simulateStations(example(280 + (i % 40), 363 + (i % 20), (0.9 + (i % 10) * 0.02) / 60)).cell.anodeThickness_m;
const perCall = (performance.now() - t0) / N;
console.log(
  `simulateStations: ${(perCall * 1000).toFixed(1)} µs per call (${N} perturbed calls; checksum ${sink.toExponential(3)})`,
);

// ---- §1.4b table: Li 30 µm alone between Ø100 mm rolls, Ford–Alexander sticking
console.log('\nLi 30 µm between Ø 100 mm rolls at 25 °C, 1 m/min (cf. process-models.md §1.4b, σ̄ = 1–3 MPa):');
console.log('P′ N/mm | Δh µm | r % | L mm | p̄ MPa | p_peak MPa');
for (const Pp of [0.75, 1.5, 3, 5, 10]) {
  const r = rollStack(
    { id: '240', force_N: Pp * 50, rollDiameter_m: 0.1, faceWidth_m: 0.05, temperature_K: 298.15 },
    [{ role: 'li', name: 'li', material: 'Li', thickness_m: 30e-6 }],
    { speed_m_s: 1 / 60, webWidth_m: 0.05 },
  );
  const l = r.layers[0]!;
  console.log(
    `${Pp.toFixed(2).padStart(6)} | ${((l.thickness_in_m - l.thickness_out_m) * 1e6).toFixed(2).padStart(5)} | ${(l.reduction * 100).toFixed(1).padStart(4)} | ${(r.contactLength_m * 1e3).toFixed(3)} | ${(r.meanPressure_Pa / 1e6).toFixed(1).padStart(5)} | ${(r.peakPressure_Pa / 1e6).toFixed(1)}`,
  );
}

// ---- Al foil yield transition (10 µm O temper alone, 500 N)
console.log('\nAl-O 10 µm, 500 N: yielded? (rows roll Ø mm, columns contact width mm)');
const widths = [50, 20, 10, 5, 2, 1];
console.log('Ø \\ w  ' + widths.map((w) => String(w).padStart(6)).join(''));
for (const D of [200, 100, 50, 20, 10, 5]) {
  const row = widths.map((w) => {
    const r = rollStack(
      { id: '236', force_N: 500, rollDiameter_m: D / 1000, faceWidth_m: w / 1000, temperature_K: 298.15 },
      [{ role: 'al', name: 'al', material: 'Al-O', thickness_m: 10e-6 }],
      { speed_m_s: 1 / 60, webWidth_m: 0.05 },
    );
    return (r.layers[0]!.yielded ? `${(r.layers[0]!.reduction * 100).toFixed(1)}%` : 'el.').padStart(6);
  });
  console.log(String(D).padStart(5) + '  ' + row.join(''));
}

// ---- what force would a 10 % Li reduction need in the patent stack?
{
  const inp = example();
  const stack = [
    inp.thirdSheet.conductor,
    inp.thirdSheet.li,
    inp.alSheet.layer,
    inp.firstSheet.electrolyte,
    inp.firstSheet.cathode,
  ];
  for (const web of [0.05, 0.2]) {
    const f = forceForReduction({ ...inp.stations['240'] }, stack, { speed_m_s: 1 / 60, webWidth_m: web }, 0.1, 1);
    console.log(
      `\nforce for 10 % Li reduction at 100 °C, Ø 100 mm, web ${web * 1000} mm: ${'force_N' in f ? f.force_N.toFixed(0) + ' N' : f.error}`,
    );
  }
}

// ---- patent example summary
const r = simulateStations(example());
console.log('\npatent-like example (300 N, 100 °C, Ø 100 mm, 50 mm web, 1 m/min):');
for (const s of presentLine(r).stations)
  console.log(
    `  ${s.id}: p̄ ${s.mean_pressure_MPa} MPa, p_peak ${s.peak_pressure_MPa} MPa, L ${s.contact_length_mm} mm, bonded ${s.bonded}, ` +
      s.layers.map((l) => `${l.name} ${l.thickness_in_um}→${l.thickness_out_um}`).join(', '),
  );
console.log(
  '  anode:',
  JSON.stringify(presentLine(r).anode.al_fractions),
  'thickness',
  presentLine(r).anode.thickness_um,
  'µm, complete after',
  presentLine(r).anode.alloying_complete_s,
  's, peak',
  presentLine(r).anode.peak_temperature_C,
  '°C',
);
console.log(
  '  crack risk sandwiched',
  presentLine(r).crack.sandwiched.risk,
  'free-standing',
  presentLine(r).crack.free_standing.risk,
);
console.log('  warnings:', r.warnings.map((w) => w.code).join(', '));

// ---- the alloying history: one full solve, and a production run's expansion about its nominal cell
{
  // the example with 20 µm Li (Li:Al ≈ 1.5, both fronts move; at 13 µm its Li:Al sits on the β edge, where the
  // expansion is not used: every cell is solved in full)
  const inp0 = example();
  const inp = { ...inp0, thirdSheet: { ...inp0.thirdSheet, li: { ...inp0.thirdSheet.li, thickness_m: 20e-6 } } };
  let args: Parameters<AlloyHistoryFn> | undefined;
  simulateStations(inp, { alloyHistory: (...a) => ((args = a), alloyHistory(...a)) });
  const a = args!;
  const cpuUs = (fn: () => void, n: number): number => {
    for (let i = 0; i < Math.min(n, 50); i++) fn(); // warm-up
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / n;
  };
  console.log(`\nalloy_history_full_cpu_us: ${cpuUs(() => alloyHistory(...a), 300).toFixed(1)} us`);
  // the solver's work per full solve (the count the time follows: steps × the cost of a step)
  const k0 = { ...alloyHistoryCounts };
  alloyHistory(...a);
  const per = (k: keyof typeof alloyHistoryCounts): number => alloyHistoryCounts[k] - k0[k];
  console.log(`alloy_history_steps_per_call: ${per('steps')} steps`);
  console.log(`alloy_history_f_evals_per_call: ${per('fEvals')} evaluations`);
  console.log(`alloy_history_newton_per_call: ${per('newtonIterations')} iterations`);
  console.log(`alloy_history_solves_per_call: ${per('solves')} solves`);
  const c0 = process.cpuUsage();
  const ex = expandAlloyHistory(...a)!;
  const cb = process.cpuUsage(c0);
  console.log(`alloy_expansion_build_cpu_ms: ${((cb.user + cb.system) / 1000).toFixed(1)} ms`);
  // a cell 1 % thinner in Li and 1 K hotter in the nip
  const b = [...a] as Parameters<AlloyHistoryFn>;
  b[0] = a[0] * 0.99;
  b[2] = a[2].map((s) => (s.kind === 'nip' ? { ...s, T_env_K: s.T_env_K + 1 } : s));
  console.log(`alloy_history_expanded_cpu_us: ${cpuUs(() => ex.history(...b), 20000).toFixed(2)} us`);
  const e = ex.history(...b);
  const f = alloyHistory(...b);
  console.log(`alloy_expansion_extent_rel_error: ${(Math.abs(e.extent - f.extent) / f.extent).toExponential(2)}`);
  console.log(
    `alloy_expansion_li_rich_rel_error: ${(Math.abs(e.liRichExtent - f.liRichExtent) / f.liRichExtent).toExponential(2)}`,
  );
  console.log(`alloy_expansion_peak_error_K: ${Math.abs(e.peakT_K - f.peakT_K).toExponential(2)} K`);
}
