import { performance } from 'node:perf_hooks';

const RUN_PHASES = ['model', 'encode', 'accumulate', 'storage'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** Milliseconds spent in each phase of a run, for the benchmark's breakdown. */
export class PhaseClock {
  readonly totals: Record<RunPhase, number> = { model: 0, encode: 0, accumulate: 0, storage: 0 };

  async time<T>(phase: RunPhase, work: () => T | Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.totals[phase] += performance.now() - start;
    }
  }
}
