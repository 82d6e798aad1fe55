import type { TextInspection } from '../../src-main/shared/residual.js';
import type { InspectSettings } from '../../src-main/shared/settings/residual-settings.js';
import { getApi } from '../api/index.js';
import { messageOf } from './errors.js';
import type { RunsState } from './runs.svelte.js';

/** The text inspector: one inspect-text run at a time, its answer and the cell the user picked. */
export class InspectorState {
  #runId = $state<string | undefined>(undefined);
  #inspection = $state.raw<TextInspection | undefined>(undefined);
  #cell = $state<{ point: number; position: number } | undefined>(undefined);
  #error = $state<string | undefined>(undefined);

  get runId(): string | undefined {
    return this.#runId;
  }

  get inspection(): TextInspection | undefined {
    return this.#inspection;
  }

  get cell(): { point: number; position: number } | undefined {
    return this.#cell;
  }

  get error(): string | undefined {
    return this.#error;
  }

  pick(point: number, position: number): void {
    this.#cell = { point, position };
  }

  /** Starts the job; the view loads the answer once the run's state says it finished. */
  async inspect(runs: RunsState, settings: InspectSettings): Promise<void> {
    this.#error = undefined;
    this.#inspection = undefined;
    this.#cell = undefined;
    const run = await runs.start('inspect-text', settings);
    this.#runId = run?.id;
    if (!run) this.#error = runs.error;
  }

  /** Shows a finished inspect-text run from the Runs list. */
  async show(runId: string): Promise<void> {
    this.#runId = runId;
    this.#inspection = undefined;
    this.#cell = undefined;
    this.#error = undefined;
    await this.load();
  }

  async load(): Promise<void> {
    if (!this.#runId || this.#inspection) return;
    try {
      this.#inspection = await getApi().invoke('runs.inspection', { runId: this.#runId });
    } catch (error) {
      this.#error = messageOf(error);
    }
  }
}
