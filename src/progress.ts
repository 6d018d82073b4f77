/**
 * Progress of long work. Physics and the pipeline report through a callback passed in (never by
 * printing); the edges (CLI, server) decide how to show it (src/cli/progress.ts: a bar with an ETA on a
 * terminal, plain periodic lines otherwise, nothing with --quiet).
 *
 * A stage is named once and then reports `done` of `total` in its own unit; a new stage name ends the
 * previous stage. Callers may report as often as they like: reporters throttle.
 */
export interface ProgressEvent {
  /** what is running, e.g. 'production shift' or 'battery: duty profile' */
  readonly stage: string;
  readonly done: number;
  readonly total: number;
  /** unit of done/total for display ('cells', 'steps', 'years', '%') */
  readonly unit?: string;
}

export type Progress = (e: ProgressEvent) => void;

/** a reporter that shows nothing */
export const noProgress: Progress = () => {};

/**
 * A per-stage reporter that calls `progress` at most every `every` units (and always at the end):
 * loops can call `tick(done)` on every iteration at almost no cost.
 */
export function stageTicker(
  progress: Progress | undefined,
  stage: string,
  total: number,
  unit?: string,
): { tick(done: number): void; end(): void } {
  if (!progress) return { tick: () => {}, end: () => {} };
  const every = Math.max(total / 200, Number.MIN_VALUE);
  let next = 0;
  const emit = (done: number): void => progress(unit ? { stage, done, total, unit } : { stage, done, total });
  emit(0);
  return {
    tick(done: number): void {
      if (done >= next) {
        next = done + every;
        emit(Math.min(done, total));
      }
    },
    end(): void {
      emit(total);
    },
  };
}
