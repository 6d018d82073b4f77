/**
 * Preparing a study (library entry point; the CLI reads the files and calls this): the recipe text with
 * overrides applied and validated, the study text parsed and checked against the recipe, the plan, and
 * the study id — a hash of the recipe, the study, the overrides, the command and the rollcell version, so
 * that the same inputs find the same stored study and resume it. Pure.
 */
import { ProblemError, type Problem } from '../problems.ts';
import { readYamlMapping, validateRecipeData } from '../recipe/parse.ts';
import { ROLLCELL_VERSION } from '../version.ts';
import { runLine } from '../pipeline.ts';
import { operatingConditions } from '../process/from-recipe.ts';
import { ssbParamsFromProducedCell } from '../electrochem/ssb/index.ts';
import { getMaterial } from '../materials/library.ts';
import { studyId, type StudyKind } from '../store/studies.ts';
import { parseStudyText, planStudy, type StudyPlan } from './plan.ts';
import { setPath } from './paths.ts';
import type { Study } from './schema.ts';
import type { PreparedStudy } from './session.ts';

const prefixed = (file: string, ps: readonly Problem[]): ProblemError => new ProblemError(ps, file);

/** the cell-model parameters of the base recipe (to check model.* paths), when its cell cycles */
function baseModelParams(recipe: ReturnType<typeof validateRecipeData> & { ok: true }): unknown {
  try {
    const r = recipe.recipe;
    const proc = runLine(r);
    if (!proc.cell.bonded['240'] || r.third_sheet.facing_al !== 'li_layer') return undefined;
    return ssbParamsFromProducedCell(proc.cell, operatingConditions(r), getMaterial);
  } catch {
    return undefined;
  }
}

/**
 * The plan of a stored study (a distributed worker rebuilds it from the study row: the study text and
 * the base recipe data, `--set` already applied). Throws ProblemError when either no longer checks.
 */
export function planStored(studyText: string, base: Record<string, unknown>): StudyPlan {
  const v = validateRecipeData(cloneBase(base));
  if (!v.ok) throw new ProblemError(v.problems, 'stored recipe');
  return planStudy(parseStudyText(studyText), base, baseModelParams(v));
}

const cloneBase = (b: Record<string, unknown>): Record<string, unknown> =>
  JSON.parse(JSON.stringify(b)) as Record<string, unknown>;

/**
 * A study ready to run from the recipe's and the study's text (and `--set`-style overrides): both
 * checked, the plan built, the deterministic study id computed. Throws ProblemError whose lines name
 * `recipe.name` or `study.name` (the files, at the CLI) and the field.
 */
export function prepareStudyText(
  kind: StudyKind,
  recipe: { text: string; name: string },
  studyIn: { text: string; name: string },
  overrides: readonly { path: string; value: unknown }[] = [],
): PreparedStudy {
  const recipeText = recipe.text;
  const studyText = studyIn.text;
  const recipeFile = recipe.name;
  const studyFile = studyIn.name;
  const y = readYamlMapping(recipeText);
  if (!y.ok) throw prefixed(recipeFile, y.problems);
  const base = y.data;
  for (const o of overrides) setPath(base, o.path, o.value);
  const v = validateRecipeData(base);
  if (!v.ok) throw prefixed(recipeFile, v.problems);
  let study: Study;
  try {
    study = parseStudyText(studyText);
  } catch (e) {
    if (e instanceof ProblemError) throw prefixed(studyFile, e.problems);
    throw e;
  }
  if (kind === 'solve' && !study.solve)
    throw prefixed(studyFile, [
      {
        path: 'solve',
        problem: 'rollcell solve needs a solve block',
        got: 'nothing',
        allowed: '{targets: {path: bound}, minimise?: path}',
      },
    ]);
  if (kind === 'optimise' && !study.optimise)
    throw prefixed(studyFile, [
      {
        path: 'optimise',
        problem: 'rollcell optimise needs an optimise block',
        got: 'nothing',
        allowed: '{objectives: {path: min|max}, constraints?: …}',
      },
    ]);
  let sp;
  try {
    sp = planStudy(study, base, baseModelParams(v));
  } catch (e) {
    if (e instanceof ProblemError) throw prefixed(studyFile, e.problems);
    throw e;
  }
  const id = studyId(kind, [ROLLCELL_VERSION, kind, recipeText, studyText, JSON.stringify(overrides)]);
  return {
    id,
    kind,
    sp,
    def: {
      id,
      kind,
      name: study.name,
      rollcellVersion: ROLLCELL_VERSION,
      recipeText,
      recipe: v.recipe,
      studyText,
      study,
      base,
      seed: study.seed,
      design: kind === 'solve' ? 'sobol + box refinement' : kind === 'optimise' ? 'nsga-ii' : study.design.type,
      inputs: sp.factors.map((f) => f.path),
      outputs: sp.columns,
      nPoints: kind === 'sweep' ? sp.plan.size : 0,
    },
  };
}
