import type Database from 'better-sqlite3';
import { InputError } from '../shared/errors.js';
import { decodeTokens, featureSummary, pageExample, pageHistogram, type FeaturePage } from '../engine/features/page.js';
import { FeatureWeights } from '../engine/features/weights.js';
import { listSaes } from '../engine/sae/registry.js';
import { featuresWithExampleToken, loadFeaturePage, recordedExamples } from '../store/feature-pages.js';
import { requireFinishedRun, type RunRecordOf } from '../store/runs.js';
import { listRunSaes, loadSaeFeatures } from '../store/statistics.js';
import type { FeatureTable, RunSae, TokenSearch } from './contract.js';

type StatisticsRun = RunRecordOf<'statistics'>;

/** Feature pages and tables of finished runs, read from the store and, for logit effects and neighbours, the weights. */
export class FeatureService {
  #db: Database.Database;
  /** The last SAE's weights and statistics: pages of one SAE are usually opened one after another. */
  #weights: { key: string; weights: FeatureWeights } | undefined;
  #statistics: { key: string; sae: ReturnType<typeof loadSaeFeatures> } | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** The run and the SAE's index in it; a hook names its SAE, and a run of one SAE needs no choice at all. */
  resolve(runName: string, choice: Partial<{ sae: number; hook: string }>): { run: StatisticsRun; saeIndex: number } {
    const run = requireFinishedRun(this.#db, runName, 'statistics');
    const saes = listRunSaes(this.#db, run.id);
    if (saes.length === 0) throw new InputError(`Run '${run.id}' has no statistics: it has not finished.`);
    const hooks = saes.map((sae) => sae.hook).join(', ');
    if (choice.hook !== undefined) {
      const found = saes.find((sae) => sae.hook === choice.hook);
      if (!found) throw new InputError(`Run '${run.id}' has no SAE at ${choice.hook} (it has ${hooks}).`);
      return { run, saeIndex: found.index };
    }
    if (choice.sae !== undefined) {
      if (!saes.some((sae) => sae.index === choice.sae)) throw new InputError(`Run '${run.id}' has no SAE ${choice.sae}.`);
      return { run, saeIndex: choice.sae };
    }
    if (saes.length > 1) throw new InputError(`Run '${run.id}' has ${saes.length} SAEs; name one with --hook (${hooks}).`);
    return { run, saeIndex: saes[0].index };
  }

  saes(runName: string): RunSae[] {
    const run = requireFinishedRun(this.#db, runName, 'statistics');
    return listRunSaes(this.#db, run.id).map(({ index, hook, d_sae }) => ({ index, hook, d_sae }));
  }

  table(runName: string, choice: Partial<{ sae: number; hook: string }>): FeatureTable {
    const { run, saeIndex } = this.resolve(runName, choice);
    const { hook, features } = loadSaeFeatures(this.#db, run.id, saeIndex);
    return { hook, saeIndex, features };
  }

  page(runName: string, choice: Partial<{ sae: number; hook: string }>, feature: number): FeaturePage {
    return this.pages(runName, choice, [feature])[0];
  }

  /** Several pages of one SAE, its statistics and weights read once. */
  pages(runName: string, choice: Partial<{ sae: number; hook: string }>, features: number[]): FeaturePage[] {
    const { run, saeIndex } = this.resolve(runName, choice);
    const sae = this.#saeFeatures(run.id, saeIndex);
    for (const feature of features) {
      if (!Number.isInteger(feature) || feature < 0 || feature >= sae.d_sae) {
        throw new InputError(`Feature ${feature} is out of range: ${sae.hook} has features 0 to ${sae.d_sae - 1}.`);
      }
    }
    const recorded = recordedExamples(this.#db, run.id);
    const weights = this.#openWeights(run, saeIndex);
    return features.map((feature) => this.#page({ run, saeIndex, sae, recorded, weights }, feature));
  }

  #saeFeatures(runId: string, saeIndex: number): ReturnType<typeof loadSaeFeatures> {
    const key = `${runId}\n${saeIndex}`;
    if (this.#statistics?.key !== key) this.#statistics = { key, sae: loadSaeFeatures(this.#db, runId, saeIndex) };
    return this.#statistics.sae;
  }

  #page(context: PageContext, feature: number): FeaturePage {
    const { run, saeIndex, sae, recorded, weights } = context;
    const stored = loadFeaturePage(this.#db, run.id, saeIndex, feature);
    const examples = (stored?.examples ?? []).flatMap((example) => {
      const tokens = stored!.windows.get(example.window);
      return tokens ? [pageExample(example, tokens)] : [];
    });
    const summary = featureSummary(sae.features, feature);
    const fromWeights = weights instanceof FeatureWeights ? { logit_effect: weights.logitEffect(feature), neighbours: weights.neighbours(feature) } : undefined;
    const page: FeaturePage = {
      hook: sae.hook,
      index: feature,
      featureCount: sae.d_sae,
      summary,
      recorded,
      examples,
      histogram: stored ? pageHistogram(stored.histogram, summary.max) : null,
      logit_effect: fromWeights?.logit_effect ?? null,
      neighbours: fromWeights?.neighbours ?? null,
      tokenText: {},
      ...(typeof weights === 'string' ? { weightsError: weights } : {}),
    };
    if (weights instanceof FeatureWeights) page.tokenText = decodeTokens(page, (ids) => weights.tokenizer.decode(ids));
    return page;
  }

  /** Features of one SAE for a token given as text (it must be exactly one token of the model's tokenizer). */
  searchToken(runName: string, choice: Partial<{ sae: number; hook: string }>, text: string): TokenSearch {
    const { run, saeIndex } = this.resolve(runName, choice);
    const weights = this.#openWeights(run, saeIndex);
    if (typeof weights === 'string') throw new InputError(weights);
    const ids = weights.tokenizer.encode(text);
    if (ids.length !== 1) throw new InputError(`'${text}' is ${ids.length} tokens for this model's tokenizer; search for one token.`);
    const [token] = ids;
    return {
      token,
      text: weights.tokenizer.decode([token]),
      inExamples: featuresWithExampleToken(this.#db, run.id, saeIndex, token),
      promoting: weights.promoting(token),
    };
  }

  /** The SAE's weights, or the sentence saying why they could not be read (a page still shows the rest). */
  #openWeights(run: StatisticsRun, saeIndex: number): FeatureWeights | string {
    try {
      const sae = listRunSaePaths(run)[saeIndex];
      const key = `${run.settings.model}\n${sae}`;
      if (this.#weights?.key !== key) this.#weights = { key, weights: FeatureWeights.open({ model: run.settings.model, sae }) };
      return this.#weights.weights;
    } catch (error) {
      if (error instanceof InputError) return `Logit effects and neighbours need the run's model and SAE: ${error.message}`;
      throw error;
    }
  }
}

interface PageContext {
  run: StatisticsRun;
  saeIndex: number;
  sae: ReturnType<typeof loadSaeFeatures>;
  recorded: number | null;
  weights: FeatureWeights | string;
}

/** The run's SAEs in run order, as the statistics job listed them. */
function listRunSaePaths(run: StatisticsRun): string[] {
  return run.settings.saes.flatMap((path) => listSaes(path).map((entry) => entry.path));
}
