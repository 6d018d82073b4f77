/**
 * The examples every `--help` ends with (issue 12: help that teaches). Keyed by the command's path
 * (`runs export`); test/cli/help.test.ts checks that every command has some, that each starts with its
 * own command and uses only options the command has, and that the files named exist in the repository.
 */
import type { Command } from 'commander';

const EX = 'examples/patent-line.yaml';
const BPX = 'test/conformance/corpora/bpx/examples/nmc_pouch_cell_BPX.json';

/** example command lines (without the leading `rollcell `) and what each does */
export const EXAMPLES: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  run: [
    [`run ${EX}`, 'the main job on the patent example, stored in ./rollcell.db, report in out/'],
    [
      `run ${EX} --set stations.240.force_N=450 --no-battery --json`,
      'the same at 450 N per roll pair at station 240, without the battery stage, as JSON',
    ],
  ],
  runs: [['runs list', 'the newest stored runs']],
  'runs list': [['runs list --limit 5 --db ./rollcell.db', 'the five newest runs']],
  'runs show': [['runs show 01M9', 'one run (an id prefix is enough)']],
  'runs campaigns': [['runs campaigns --db ./rollcell.db', 'the stored production campaigns with their shards done']],
  'runs campaign': [
    ['runs campaign c8bf', "a campaign's control charts of the Al-roll means, Cpk and Ppk"],
    ['runs campaign c8bf --roll AL-000004', 'the cells made from one Al roll, whichever shard made them'],
    ['runs campaign c8bf --cell RC-3412334780-0000001 --json', "one cell's parent rolls with MD positions, as JSON"],
  ],
  'runs diff': [['runs diff 01M9 01MA', 'what changed between two runs: changed figures first']],
  'runs export': [
    ['runs export 01M9 --format xlsx --out run.xlsx', 'every table of a run as an XLSX workbook'],
    ['runs export 01M9 --format csv --what cells --out cells.csv', 'one row per cell with genealogy and verdict'],
  ],
  'runs delete': [['runs delete 01M9', 'delete one run with its cells, cycles and series']],
  'runs prune': [['runs prune --keep 20', 'keep the 20 newest runs, delete the others']],
  cycle: [
    [
      `cycle --cell ${EX} --model spme --experiment "Charge at C/10 until 4.3 V" --experiment "Discharge at C/10 until 3 V"`,
      "one C/10 cycle of the cell the recipe's line produces",
    ],
    [
      `cycle --cell ${BPX} --model spme --experiment "Discharge at 1C until 3 V" --csv out.csv`,
      'a BPX cell discharged at 1C, the time series written as Battery Data Format CSV',
    ],
  ],
  bpx: [[`bpx check ${BPX}`, "what the BPX standard's validator says of a file"]],
  fit: [
    [
      `fit --cell ${BPX} --model spme --data 1C.csv --data 2C.csv --params negative.diffusivity:1e-15:1e-12:log ` +
        '--params positive.sto_min:0.38:0.46 --out fitted.json',
      'fit two BPX fields to two measured discharges (Time [s], I[A], U[V]) and write the fitted BPX file',
    ],
    [
      `fit --cell ${BPX} --data 1C.csv --hold-out drive.csv --params positive.rate_constant:1e-7:1e-4:log --method mcmc --samples 5000`,
      'the DFN fit, then a posterior chain; the held-out profile is only compared',
    ],
    [
      `fit --cell ${EX} --data data/fit/yan2026-0MPa-fade.csv --data data/fit/yan2026-125MPa-fade.csv ` +
        '--params ageing.cathode_contact_lambda:2:8 --params ageing.cathode_contact_P0:1.3e7:8e7:log --out patch.yaml --report fit.html',
      "the recipe's solid-state cell: contact-loss parameters fitted to published fade points at two stack pressures; a recipe patch and the HTML fit report",
    ],
  ],
  'bpx check': [[`bpx check ${BPX} --json`, "the validator's report as JSON"]],
  'bpx export': [[`bpx export ${EX} --out cell.bpx.json`, 'the produced cell as a BPX 1.1 parameter set']],
  battery: [
    [`battery ${EX} --profile ev:UDDS`, "the recipe's pack on the UDDS drive cycle"],
    [
      `battery ${EX} --profile ess:solar --days 7 --cells production`,
      'a week of solar storage with cells from a production run',
    ],
  ],
  sweep: [
    [
      `sweep ${EX} examples/studies/stack-pressure-retention.yaml --workers 2`,
      'stack pressure 1–10 MPa against capacity retention on two worker threads, with its HTML report',
    ],
  ],
  solve: [
    [
      `solve ${EX} examples/studies/anode-40um.yaml --set third_sheet.li_layer.thickness_um=33 --set al_sheet.thickness_um=16`,
      'which force and temperature at 240 give a 40 µm anode with no free Li (with thicker sheets)',
    ],
  ],
  optimise: [
    [
      `optimise ${EX} study.yaml`,
      "a Pareto front of the objectives in study.yaml's optimise: block (min/max under constraints)",
    ],
  ],
  worker: [['worker --db postgres://user@db/rollcell --concurrency 4', 'run queued sweep shards, four at a time']],
  studies: [['studies list', 'the stored studies']],
  'studies list': [['studies list --limit 5', 'the five newest studies']],
  'studies export': [['studies export 01MB --xlsx points.xlsx', "a study's points as XLSX, and its HTML report"]],
  serve: [['serve --port 8080', 'the dashboard on http://127.0.0.1:8080']],
  validate: [
    [`validate ${EX}`, 'exit 0 when valid; warnings (windows, Li melting) on stderr'],
    [`validate ${EX} --set line.speed_m_per_min=10`, 'the same recipe at 10 m/min'],
  ],
  schema: [
    ['schema > recipe.schema.json', 'the JSON Schema for editor autocompletion'],
    ['schema --output > run-output.schema.json', 'the JSON Schema of `rollcell run --json` (the output contract)'],
  ],
  materials: [['materials --kind solid_electrolyte', 'the solid electrolytes in the library, with sources']],
};

/** extra lines after a command's examples */
const NOTES: Readonly<Record<string, string>> = {
  cycle:
    'Experiment steps: the PyBaMM grammar ("Discharge at 1C until 3 V", "Rest for 1 hour", "Hold at 4.2 V until C/50"),\n' +
    'documented in src/cycler/README.md (Experiment language).',
  run: 'Output names: docs/CONTRACT.md.',
};

/** the text after the options: the command's examples (and notes) */
export function examplesText(path: string): string | undefined {
  const ex = EXAMPLES[path];
  if (!ex) return undefined;
  const lines = ['', 'Examples:'];
  for (const [cmd, what] of ex) lines.push(`  $ rollcell ${cmd}`, `      ${what}`);
  const note = NOTES[path];
  if (note) lines.push('', note);
  return lines.join('\n');
}

/** the command's path below the program: `runs export` */
export function commandPath(c: Command): string {
  const names: string[] = [];
  for (let x: Command | null = c; x?.parent; x = x.parent) names.unshift(x.name());
  return names.join(' ');
}

/** adds the examples to every command that has them (recursively) */
export function addExamples(program: Command): void {
  const walk = (c: Command): void => {
    for (const sub of c.commands) {
      const text = examplesText(commandPath(sub));
      if (text) sub.addHelpText('after', text);
      walk(sub);
    }
  };
  walk(program);
  program.addHelpText(
    'after',
    `\nExamples:\n  $ rollcell run ${EX}\n  $ rollcell <command> --help    (each command's options, with examples)`,
  );
}
