/**
 * Help that teaches (issue 12 item 7): every command's --help ends with examples that start with the
 * command itself, use only options it has and name files that exist; `cycle --help` points to the
 * experiment grammar; the cheap examples run as written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.ts';
import { EXAMPLES, commandPath } from '../../src/cli/examples.ts';
import { cli } from '../helpers.ts';

const root = new URL('../../', import.meta.url).pathname;

function allCommands(c: Command): Command[] {
  return c.commands.flatMap((s) => [s, ...allCommands(s)]);
}

/** shell-like split: "quoted words" stay one token */
const tokens = (line: string): string[] => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);

test('every command has examples that start with the command, use only its options and name existing files', () => {
  const program = buildProgram(() => {});
  const cmds = allCommands(program);
  assert.ok(cmds.length >= 20, `${cmds.length} commands`);
  for (const c of cmds) {
    const path = commandPath(c);
    const ex = EXAMPLES[path];
    assert.ok(ex && ex.length > 0, `\`rollcell ${path}\` has no examples`);
    for (const [line] of ex) {
      const t = tokens(line);
      const words = path.split(' ');
      // a group's examples may run one of its subcommands
      const target = c.commands.length > 0 ? c.commands.find((s) => s.name() === t[words.length]) : undefined;
      assert.deepEqual(t.slice(0, words.length), words, `${line}: starts with ${path}`);
      const opts = new Set((target ?? c).options.map((o) => o.long));
      for (const w of t) {
        if (w.startsWith('--')) assert.ok(opts.has(w), `${line}: ${w} is not an option of ${path}`);
        if (/^(examples|test)\/.*\.(ya?ml|json|csv)$/.test(w)) assert.ok(existsSync(root + w), `${line}: ${w}`);
      }
    }
    let help = '';
    c.configureOutput({ writeOut: (s) => void (help += s) });
    c.outputHelp();
    assert.match(help, /\nExamples:\n {2}\$ rollcell /, `${path} --help shows its examples`);
  }
});

test('cycle --help points to the experiment grammar; the top-level help shows how to get more', async () => {
  const r = await cli(['cycle', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Experiment steps: the PyBaMM grammar .*\n.*src\/cycler\/README\.md/);
  assert.ok(existsSync(root + 'src/cycler/README.md'), "existsSync(root + 'src/cycler/README.md')");
  const top = await cli(['--help']);
  assert.match(top.stdout, /rollcell <command> --help/);
});

test('the cheap examples run as written (validate, materials)', async () => {
  for (const path of ['validate', 'materials']) {
    for (const [line] of EXAMPLES[path]!) {
      const r = await cli(tokens(line));
      assert.equal(r.code, 0, `rollcell ${line}: ${r.stderr}`);
    }
  }
});
