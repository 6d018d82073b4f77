/**
 * rollcell command line. Exit codes: 0 success; 2 invalid input (one line per problem on stderr:
 * `<path>: <problem> (got <value>; allowed <what>)`); 1 internal error. Never a stack trace unless
 * ROLLCELL_DEBUG=1.
 */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync, statSync } from 'node:fs';
import { parseRecipeText, formatProblem, MAX_RECIPE_BYTES, type RecipeProblem } from '../recipe/parse.ts';
import { recipeJsonSchema, type Recipe } from '../recipe/schema.ts';
import { allMaterials } from '../materials/library.ts';
import { runJob } from '../pipeline.ts';
import { formatSummary } from './summary.ts';
import { ROLLCELL_VERSION } from '../version.ts';
import { table, fmtNum } from './table.ts';

/** Invalid user input: printed line by line, exit code 2. */
export class InputError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

export function inputError(path: string, problem: string, got: string, allowed: string): InputError {
  return new InputError([formatProblem({ path, problem, got, allowed })]);
}

/** Reads and validates a recipe file, or throws InputError. */
export function loadRecipe(file: string): { recipe: Recipe; text: string } {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw inputError('recipe', 'not a regular file', JSON.stringify(file), 'a YAML recipe file');
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw inputError('recipe', 'file not found or not readable', JSON.stringify(file), 'an existing, readable YAML file');
  }
  if (size > MAX_RECIPE_BYTES) throw inputError('', 'file too large for a recipe', `${size} bytes`, `<= ${MAX_RECIPE_BYTES} bytes`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw inputError('recipe', 'file not readable', JSON.stringify(file), 'a readable YAML file');
  }
  const r = parseRecipeText(text);
  if (!r.ok) throw new InputError(r.problems.map((p: RecipeProblem) => `${file}: ${formatProblem(p)}`));
  return { recipe: r.recipe, text };
}

function parseSeed(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1) throw inputError('--seed', 'must be a non-negative integer', JSON.stringify(v), '0 … 4294967295');
  return n;
}

function buildProgram(out: (s: string) => void): Command {
  const program = new Command();
  program
    .name('rollcell')
    .description('Digital twin of a roll-to-roll all-solid-state cell line with an in-situ prelithiated Li–Al anode (US 2025/0266422 A1)')
    .version(ROLLCELL_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.replace(/\n$/, '')), writeErr: (s) => process.stderr.write(s) });

  program
    .command('run')
    .description('the main job: recipe → line → cells → cycling → claims → report, stored in the database')
    .argument('<recipe>', 'recipe YAML file')
    .option('--json', 'print the result as one JSON object (CONTRACT.md)')
    .option('--db <spec>', 'SQLite file or postgres:// URL', './rollcell.db')
    .option('--out <dir>', 'directory for the HTML report', 'out')
    .option('--seed <n>', 'seed of the random number generator', '1')
    .action((file: string, o: { json?: boolean; seed: string }) => {
      const { recipe } = loadRecipe(file);
      const seed = parseSeed(o.seed);
      const res = runJob(recipe, { seed });
      out(o.json ? JSON.stringify(res.output, null, 2) : formatSummary(recipe, res));
    });

  program
    .command('validate')
    .description('check a recipe; prints nothing and exits 0 when valid')
    .argument('<recipe>', 'recipe YAML file')
    .action((file: string) => {
      loadRecipe(file);
    });

  program
    .command('schema')
    .description('print the recipe JSON Schema (for editor autocompletion)')
    .action(() => out(JSON.stringify(recipeJsonSchema(), null, 2)));

  program
    .command('materials')
    .description('list the material library with sources')
    .addOption(new Option('--kind <kind>', 'only this kind'))
    .option('--json', 'as JSON')
    .action((o: { kind?: string; json?: boolean }) => {
      const ms = allMaterials().filter((m) => !o.kind || m.kind === o.kind);
      if (o.json) return out(JSON.stringify(ms, null, 2));
      out(
        table(
          ['id', 'kind', 'density g/cm³', 'q_theor mAh/g', 'q_pract mAh/g', 'E_avg V', 'σ_ion mS/cm'],
          ms.map((m) => [
            m.id,
            m.kind,
            m.density.value / 1000,
            m.theoreticalCapacity ? m.theoreticalCapacity.value / 3600 : null,
            m.practicalCapacity ? m.practicalCapacity.value / 3600 : null,
            m.averagePotential?.value,
            m.ionicConductivity ? Number(fmtNum(m.ionicConductivity.value * 10)) : null,
          ]),
        ),
      );
    });
  return program;
}

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  const program = buildProgram(out);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2; // commander already printed the message
    }
    if (e instanceof InputError) {
      for (const l of e.lines) process.stderr.write(l + '\n');
      return 2;
    }
    const err = e as Error;
    process.stderr.write(`rollcell: internal error: ${err?.message ?? String(e)}\n`);
    if (process.env['ROLLCELL_DEBUG'] === '1' && err?.stack) process.stderr.write(err.stack + '\n');
    return 1;
  }
}
