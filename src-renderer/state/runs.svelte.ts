import type { AppEvent, RunRecord, StartRequest } from '../../src-main/api/contract.js';
import type { JobKindName, JobSettings } from '../../src-main/shared/jobs.js';
import { getApi } from '../api/index.js';
import { messageOf } from './errors.js';

export interface ProgressBar {
  label: string;
  done: number;
  total: number;
}

/** Runs and their live progress, kept current from the host's events. */
export class RunsState {
  #runs = $state.raw<RunRecord[]>([]);
  #progress = $state.raw<Record<string, ProgressBar[]>>({});
  #error = $state<string | undefined>(undefined);

  get runs(): RunRecord[] {
    return this.#runs;
  }

  get error(): string | undefined {
    return this.#error;
  }

  get finished(): RunRecord[] {
    return this.#runs.filter((run) => run.state === 'finished');
  }

  progressOf(runId: string): ProgressBar[] {
    return this.#progress[runId] ?? [];
  }

  async refresh(): Promise<void> {
    try {
      this.#runs = await getApi().invoke('runs.list', {});
    } catch (error) {
      this.#error = messageOf(error);
    }
  }

  async start<K extends JobKindName>(kind: K, settings: JobSettings[K]): Promise<RunRecord | undefined> {
    this.#error = undefined;
    try {
      const run = await getApi().invoke('runs.start', { kind, settings } as StartRequest);
      this.#upsert(run);
      return run;
    } catch (error) {
      this.#error = messageOf(error);
      return undefined;
    }
  }

  async cancel(runId: string): Promise<void> {
    try {
      this.#upsert(await getApi().invoke('runs.cancel', { runId }));
    } catch (error) {
      this.#error = messageOf(error);
    }
  }

  handle(event: AppEvent): void {
    if (event.type === 'run.state') this.#upsert(event.run);
    else if (event.type === 'run.stage') this.#addStage(event.runId, event.line);
    else if (event.type === 'run.progress') this.#setProgress(event.runId, { label: event.label, done: event.done, total: event.total });
  }

  #upsert(run: RunRecord): void {
    const others = this.#runs.filter((each) => each.id !== run.id);
    this.#runs = [run, ...others].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  #addStage(runId: string, line: string): void {
    this.#runs = this.#runs.map((run) => (run.id === runId && !run.stages.includes(line) ? { ...run, stages: [...run.stages, line] } : run));
  }

  #setProgress(runId: string, bar: ProgressBar): void {
    const bars = this.progressOf(runId).filter((each) => each.label !== bar.label);
    this.#progress = { ...this.#progress, [runId]: [...bars, bar].sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true })) };
  }
}
