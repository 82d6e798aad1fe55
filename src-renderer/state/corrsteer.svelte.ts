import type { CorrelationExport } from '../../src-main/shared/correlation.js';
import type { SteeringComparison } from '../../src-main/shared/steering.js';
import { getApi } from '../api/index.js';
import { messageOf } from './errors.js';

/** One feature chosen for steering: its SAE (path and hook), index and coefficient. */
export interface ChosenFeature {
  sae: string;
  hook: string;
  feature: number;
  coefficient: number;
}

/** The opened correlation run's results. */
export class CorrelationState {
  #runId = $state<string | undefined>(undefined);
  #result = $state.raw<CorrelationExport | undefined>(undefined);
  #error = $state<string | undefined>(undefined);

  get runId(): string | undefined {
    return this.#runId;
  }

  get result(): CorrelationExport | undefined {
    return this.#result;
  }

  get error(): string | undefined {
    return this.#error;
  }

  async open(runId: string): Promise<void> {
    this.#runId = runId;
    this.#error = undefined;
    try {
      this.#result = await getApi().invoke('runs.correlation', { runId });
    } catch (error) {
      this.#result = undefined;
      this.#error = messageOf(error);
    }
  }
}

/** The features chosen for steering, from a correlation table or by index, and the opened steering run's continuations. */
export class SteeringState {
  #features = $state<ChosenFeature[]>([]);
  #runId = $state<string | undefined>(undefined);
  #comparisons = $state.raw<SteeringComparison[] | undefined>(undefined);
  #error = $state<string | undefined>(undefined);

  /** Deeply reactive: coefficient sliders bind to its entries. */
  get features(): ChosenFeature[] {
    return this.#features;
  }

  get runId(): string | undefined {
    return this.#runId;
  }

  get comparisons(): SteeringComparison[] | undefined {
    return this.#comparisons;
  }

  get error(): string | undefined {
    return this.#error;
  }

  has(sae: string, feature: number): boolean {
    return this.#features.some((chosen) => chosen.sae === sae && chosen.feature === feature);
  }

  toggle(chosen: ChosenFeature): void {
    if (this.has(chosen.sae, chosen.feature)) this.remove(chosen.sae, chosen.feature);
    else this.#features.push(chosen);
  }

  remove(sae: string, feature: number): void {
    this.#features = this.#features.filter((chosen) => chosen.sae !== sae || chosen.feature !== feature);
  }

  async open(runId: string): Promise<void> {
    this.#runId = runId;
    this.#error = undefined;
    try {
      this.#comparisons = await getApi().invoke('runs.steering', { runId });
    } catch (error) {
      this.#comparisons = undefined;
      this.#error = messageOf(error);
    }
  }
}
