/** The readable summary `rollcell run` prints (aligned tables with units). */
import type { Recipe } from '../recipe/schema.ts';
import type { JobResult } from '../pipeline.ts';
import { kv, table, fmtNum } from './table.ts';
import { yearsToEolText, type PackAgeingBand } from '../battery/ageing-band.ts';

/** a figure and its band, "18.1 (band 7.7–43.7)"; the figure alone when there is no band */
function withBand(v: number, band: { low: number; high: number } | undefined): number | string {
  return band ? `${fmtNum(v, 3)} (band ${fmtNum(band.low, 3)}–${fmtNum(band.high, 3)})` : v;
}

export function formatSummary(recipe: Recipe, res: JobResult): string {
  const d = res.output.design;
  const parts: string[] = [];
  parts.push(
    `rollcell ${res.output.rollcell_version} — ${recipe.name}${res.output.run_id ? `  (run ${res.output.run_id})` : ''}`,
  );
  // a physical impossibility or a result outside model validity heads the summary (src/validity.ts)
  for (const f of res.output.validity?.findings ?? [])
    parts.push(
      `\n!! ${f.kind === 'impossible' ? 'PHYSICALLY IMPOSSIBLE' : 'OUTSIDE MODEL VALIDITY'} (${f.source}): ${f.reason}` +
        (f.kind === 'impossible'
          ? '\n!! the cells it concerns are out of spec and the claims it concerns are not evaluable'
          : `\n!! the figures it concerns are shown but are outside the model's validity; ${
              f.claims === 'all' || f.claims.length
                ? `claim${f.claims === 'all' || f.claims.length > 1 ? 's' : ''} ${f.claims === 'all' ? 'all' : f.claims.join(', ')} not evaluable`
                : "no claim's verdict rests on them"
            }`),
    );
  parts.push(
    table(
      ['layer (FIG. 1/2)', 'material', 'thickness µm', 'areal mass mg/cm²', 'porosity %'],
      (
        d.cell['layers'] as {
          name: string;
          material: string;
          thickness_um: number;
          areal_mass_mg_cm2: number;
          porosity_pct: number;
        }[]
      ).map((l) => [l.name, l.material, l.thickness_um, l.areal_mass_mg_cm2, l.porosity_pct]),
      '\nDesign — layer stack as supplied (before the nips)',
    ),
  );
  parts.push(
    kv(
      [
        ['cell thickness as supplied (before the nips)', d.cell.thickness_um, 'µm'],
        ['cell area', d.cell.area_cm2, 'cm²'],
        ['cell mass', d.cell.mass_g, 'g'],
        ['cathode active loading', d.cathode.active_mass_mg_cm2, 'mg/cm²'],
        ['cathode areal capacity', d.cathode.areal_capacity_mAh_cm2, 'mAh/cm²'],
        ['cell capacity (design)', d.cell['capacity_mAh'] as number, 'mAh'],
        ['Al thickness', d.anode.al_thickness_um, 'µm'],
        ['Li thickness', d.anode.li_thickness_um, 'µm'],
        ['Li:Al molar ratio', d.anode.li_al_molar_ratio, 'mol/mol'],
        ['N/P (host left after prelithiation / cathode)', d.np_ratio, '—'],
        ['average voltage (design)', d.cell['average_voltage_V'] as number, 'V'],
        ['specific energy', d.specific_energy_Wh_kg, 'Wh/kg'],
        ['energy density', d.energy_density_Wh_L, 'Wh/L'],
      ],
      '\nDesign — figures',
    ),
  );
  if (res.windows.length) {
    parts.push(
      table(
        ['seed window', 'value', 'unit', 'window', 'inside', 'para.'],
        res.windows.map((w) => [w.quantity, w.value, w.unit, w.window, w.inside ? 'yes' : 'NO', w.paragraph]),
        "\nThe seed's preferred windows",
      ),
    );
  }
  const line = res.output.line;
  if (line) {
    parts.push(
      table(
        [
          'station',
          'force N',
          'line load N/mm',
          'peak MPa',
          'mean MPa',
          'T °C',
          'contact mm',
          'reduction %',
          'bonded',
          '1 % Al needs N',
          'layers (in → out µm)',
        ],
        line.stations.map((s) => [
          s.id,
          s.force_N,
          s['line_load_N_per_mm'] as number,
          s.peak_pressure_MPa,
          s['mean_pressure_MPa'] as number,
          s.temperature_C,
          s['contact_length_mm'] as number,
          s['reduction_pct'] as number,
          s.bonded ? 'yes' : 'NO',
          (s['al_reduction_1pct_force_N'] as number | null | undefined) ?? null,
          s.layers
            .map(
              (l) =>
                `${l.name.replace(/ \(\d+\)$/, '')} ${fmtNum(l.thickness_in_um, 3)}→${fmtNum(l.thickness_out_um, 3)}`,
            )
            .join('; '),
        ]),
        '\nLine — stations 222 → 236 → 240 (FIG. 2)',
      ),
    );
    const a = line.anode;
    parts.push(
      kv(
        [
          ['anode thickness', a.thickness_um, 'µm'],
          [
            'Al atoms as α-Al / LiAl / Li3Al2 / Li9Al4',
            `${fmtNum(a.al_fractions.Al, 3)} / ${fmtNum(a.al_fractions.LiAl, 3)} / ${fmtNum(a.al_fractions.Li3Al2, 3)} / ${fmtNum(a.al_fractions.Li9Al4, 3)}`,
            '—',
          ],
          ['free Li left', a.free_li_um, 'µm'],
          ['Li diffusivity of the anode', a.li_diffusivity_cm2_s, 'cm²/s'],
          ['alloying complete after', a.alloying_complete_s, 's'],
          ['crack risk sandwiched (claim 2)', line.crack.sandwiched.risk, '0–1'],
          ['crack risk free-standing', line.crack.free_standing.risk, '0–1'],
        ],
        '\nLine — prelithiated anode (238) and cracking',
      ),
    );
  }
  const c = res.output.cycling;
  if (c) {
    const ag = c['ageing'] as
      | {
          cycles: number;
          capacity_retention_pct: number;
          resistance_growth_pct?: number | null;
          dc_resistance_first_mOhm?: number | null;
          dc_resistance_last_mOhm?: number | null;
          cycles_to_end_of_life?: number | null;
          end_of_life_retention_pct?: number | null;
          mechanisms?: Record<string, boolean>;
          capacity_retention_band_pct?: { low: number; median: number; high: number; samples: number };
          cycles_to_end_of_life_band?: {
            low: number | null;
            high: number | null;
            reached_in_samples: number;
            samples: number;
          };
          validity?: { inside: boolean; flags: { text: string }[] };
        }
      | undefined;
    const ex = c['experiment'] as
      { cycles?: number; per_cycle?: { discharge_Ah: number; coulombic_efficiency: number | null }[] } | undefined;
    const agRows: [string, number | string | null, string][] = [];
    // the produced cell's first cycle by mechanism, Li plating and the rate band (issue 15)
    const cellRows: [string, number | string | null, string][] = [];
    const fl = c['first_cycle_loss'] as { cei_mAh_g: number; kinetic_recoverable_mAh_g: number } | undefined;
    if (fl)
      cellRows.push([
        'first-cycle loss: CEI / kinetic (recoverable)',
        `${fmtNum(fl.cei_mAh_g, 3)} / ${fmtNum(fl.kinetic_recoverable_mAh_g, 3)}`,
        'mAh/g',
      ]);
    const pl = c['plating'] as { max_plated_li_um: number; end_plated_li_um: number; risk: string } | undefined;
    if (pl)
      cellRows.push([
        'Li plated at top of charge / after discharge',
        `${fmtNum(pl.max_plated_li_um, 3)} / ${fmtNum(pl.end_plated_li_um, 3)} (risk: ${pl.risk})`,
        'µm',
      ]);
    // the first cycle's band over the uncertain inputs (issue 16 item 5) and claim 13's verdict over it
    type Fig = { low: number; high: number };
    const fb = c['first_cycle_band'] as
      | {
          discharge_capacity_mAh_g: Fig;
          coulombic_efficiency: Fig;
          volume_expansion_rate_pct: Fig;
          claim_13: string;
          samples: number;
        }
      | undefined;
    const span = (f: Fig, d: number): string => `${fmtNum(f.low, d)}–${fmtNum(f.high, d)}`;
    if (fb)
      cellRows.push(
        [
          `discharge capacity range over the uncertain inputs (claim 13: ${fb.claim_13})`,
          span(fb.discharge_capacity_mAh_g, 4),
          'mAh/g',
        ],
        ['coulombic efficiency range over the uncertain inputs', span(fb.coulombic_efficiency, 3), '—'],
        ['Eq. 1 range over the uncertain inputs', span(fb.volume_expansion_rate_pct, 3), '%'],
      );
    const rb = (c['rate_capability'] as { band?: { low_c_rate: number; high_c_rate: number } } | undefined)?.band;
    if (rb)
      cellRows.push([
        'C-rate range over the uncertain inputs (claim 16)',
        `${fmtNum(rb.low_c_rate, 3)}–${fmtNum(rb.high_c_rate, 3)}`,
        'C',
      ]);
    if (ag) {
      const band = ag.capacity_retention_band_pct;
      agRows.push([
        `capacity retention after ${ag.cycles} cycles (claim 19)${band ? `, band (${band.samples} samples)` : ''}`,
        band
          ? `${fmtNum(band.low, 3)}–${fmtNum(band.high, 3)} (nominal ${fmtNum(ag.capacity_retention_pct, 4)})`
          : ag.capacity_retention_pct,
        '%',
      ]);
      const eb = ag.cycles_to_end_of_life_band;
      if (eb && eb.reached_in_samples > 0)
        agRows.push([
          'cycles to end of life, band',
          `${eb.low ?? '—'}–${eb.high ?? `not reached in ${eb.samples - eb.reached_in_samples} of ${eb.samples}`}`,
          '',
        ]);
      if (ag.validity && !ag.validity.inside)
        for (const f of ag.validity.flags) agRows.push(['ageing validity', f.text, '']);
      if (typeof ag.dc_resistance_first_mOhm === 'number' && typeof ag.dc_resistance_last_mOhm === 'number')
        agRows.push([
          'DC resistance, first → last cycle',
          `${fmtNum(ag.dc_resistance_first_mOhm, 4)} → ${fmtNum(ag.dc_resistance_last_mOhm, 4)}`,
          'mΩ',
        ]);
      if (typeof ag.resistance_growth_pct === 'number')
        agRows.push(['DC resistance growth', ag.resistance_growth_pct, '%']);
      if (typeof ag.end_of_life_retention_pct === 'number' && ag.end_of_life_retention_pct > 0)
        agRows.push([
          `cycles to end of life (< ${ag.end_of_life_retention_pct} % retention)`,
          ag.cycles_to_end_of_life ?? 'not reached',
          '',
        ]);
      const off = Object.entries(ag.mechanisms ?? {})
        .filter(([, on]) => !on)
        .map(([k]) => k);
      if (off.length) agRows.push(['ageing mechanisms off', off.join(', '), '']);
    }
    if (ex?.cycles && ex.cycles > 1 && ex.per_cycle?.length) {
      const last = ex.per_cycle[ex.per_cycle.length - 1]!;
      agRows.push(
        ['experiment cycles', ex.cycles, ''],
        ['last cycle discharge', last.discharge_Ah * 1000, 'mAh'],
        ['last cycle coulombic efficiency', last.coulombic_efficiency, '—'],
      );
    }
    parts.push(
      kv(
        [
          ['model', String(c['model']), ''],
          ['charge capacity', c.charge_capacity_mAh_g, 'mAh/g'],
          ['discharge capacity (claim 13)', c.discharge_capacity_mAh_g, 'mAh/g'],
          ['coulombic efficiency', c.coulombic_efficiency, '—'],
          ['volume expansion rate, Eq. 1 of [0178]', c.volume_expansion_rate_pct, '%'],
          [
            'highest C-rate with 80 % of C/10 capacity (claim 16)',
            (c['max_c_rate'] as number | undefined) ?? null,
            'C',
          ],
          ...cellRows,
          ...agRows,
        ],
        `\nCycling — ${String(c['protocol'])}`,
      ),
    );
  }
  const pr = res.output.production;
  if (pr) {
    const th = pr['throughput'] as { cells_per_h: number; m2_per_h: number; kWh_per_h: number } | undefined;
    const oee = pr['oee'] as { oee: number; unplanned_stops?: string } | undefined;
    const stopsOff = oee?.unplanned_stops?.startsWith('off') === true;
    const pu = (pr['capacity_model'] as { parameter_uncertainty?: { draws: number } } | undefined)
      ?.parameter_uncertainty;
    const causes = Object.entries((pr['out_of_spec_causes'] as Record<string, number> | undefined) ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    parts.push(
      kv(
        [
          ['run length', (pr['duration_s'] as number) / 3600, 'h'],
          ['web length', pr['web_length_m'] as number, 'm'],
          ['cells made', pr.cells_total, '—'],
          ['cells in spec', pr.cells_in_spec, '—'],
          ['yield', pr.yield_pct, '%'],
          ...(causes ? ([['out of spec by cause', causes, '']] as [string, string, string][]) : []),
          ...(th
            ? ([
                ['throughput', th.cells_per_h, 'cells/h'],
                ['throughput (good area)', th.m2_per_h, 'm²/h'],
                ['throughput (good energy)', th.kWh_per_h, 'kWh/h'],
              ] as [string, number, string][])
            : []),
          ...(oee
            ? ([[stopsOff ? 'OEE (no unplanned stops modelled: an upper bound)' : 'OEE', oee.oee, '—']] as [
                string,
                number,
                string,
              ][])
            : []),
          ['cost', (pr['cost_per_kWh'] as number | null) ?? null, '$/kWh'],
          ...(pu
            ? ([
                [
                  'cell capacities',
                  `include the fit's parameter uncertainty (${pu.draws} posterior draws, cycling.model_parameters.posterior)`,
                  '',
                ],
              ] as [string, string, string][])
            : []),
        ],
        '\nProduction run (seeded; traceable cells stored with the run)',
      ),
    );
  }
  const b = res.output.battery as
    | {
        profile: string;
        pack: Record<string, number>;
        results: Record<string, unknown>;
        limiting_cell: { serial: string; reason: string };
        ageing: {
          years: number;
          capacity_retention_pct_after_years: number;
          formation_days?: number;
          formation_loss_pct?: number;
          band?: PackAgeingBand | null;
        } | null;
      }
    | undefined;
  if (b) {
    const ev = b.results['ev'] as { range_km: number } | undefined;
    const rb = (res.output.battery?.['band'] as { range_km?: { low: number; high: number } } | undefined)?.range_km;
    parts.push(
      kv(
        [
          ['pack', `${b.pack['series']}s${b.pack['parallel']}p`, ''],
          ['pack voltage', `${fmtNum(b.pack['voltage_min_V']!, 4)}–${fmtNum(b.pack['voltage_max_V']!, 4)}`, 'V'],
          ['pack capacity at C/3', b.pack['capacity_C3_Ah']!, 'Ah'],
          ['pack energy at C/3', b.pack['energy_C3_kWh']!, 'kWh'],
          ['pack specific energy', b.pack['specific_energy_Wh_kg']!, 'Wh/kg'],
          ...(ev ? ([['EV range per charge', ev.range_km, 'km']] as [string, number, string][]) : []),
          ...(rb
            ? ([
                [
                  "EV range band (first order, the cells' capacity band)",
                  `${fmtNum(rb.low, 4)}–${fmtNum(rb.high, 4)}`,
                  'km',
                ],
              ] as [string, string, string][])
            : []),
          [
            'round-trip efficiency',
            (b.results['round_trip_efficiency'] as number | null) ?? 'undefined (no energy in or out)',
            '—',
          ],
          ['SOC spread (max)', b.results['soc_spread_max_pct'] as number, '%'],
          ['limiting cell', `${b.limiting_cell.serial}: ${b.limiting_cell.reason.split(';')[0]}`, ''],
          ...(b.ageing
            ? ([
                [`capacity retention after ${b.ageing.years} years`, b.ageing.capacity_retention_pct_after_years, '%'],
                ...(b.ageing.formation_days && typeof b.ageing.formation_loss_pct === 'number'
                  ? [
                      [
                        `formation loss (first ${b.ageing.formation_days} days; retention is of the capacity after it)`,
                        withBand(b.ageing.formation_loss_pct, b.ageing.band?.formation_loss_pct),
                        '%',
                      ],
                    ]
                  : []),
              ] as [string, number | string, string][])
            : []),
          ...(b.ageing?.band
            ? ([
                [
                  `capacity retention after ${b.ageing.years} years, band`,
                  `${fmtNum(b.ageing.band.capacity_retention_pct_after_years.low, 3)}–${fmtNum(b.ageing.band.capacity_retention_pct_after_years.high, 3)}`,
                  '%',
                ],
                ['years to end of life', yearsToEolText(b.ageing.band), ''],
              ] as [string, string, string][])
            : []),
        ],
        `\nBattery (claims 17–18) — profile ${b.profile}`,
      ),
    );
  }
  if (res.output.claims) {
    parts.push(
      table(
        ['claim', 'verdict', 'why (first element that decides)'],
        res.output.claims.map((cl) => {
          const decisive =
            cl.elements.find((e) => e.verdict === cl.verdict && cl.verdict !== 'met') ??
            cl.elements[cl.elements.length - 1];
          const why = cl.verdict === 'met' ? 'all elements met' : `${decisive?.id ?? ''}: ${decisive?.evidence ?? ''}`;
          return [cl.claim, cl.verdict === 'met' ? 'met' : cl.verdict.toUpperCase(), why];
        }),
        '\nClaim chart (US 2025/0266422 A1) — details in the report',
      ),
    );
  }
  if (res.warnings.length) parts.push('\nWarnings:\n' + res.warnings.map((w) => `  - ${w}`).join('\n'));
  return parts.join('\n');
}
