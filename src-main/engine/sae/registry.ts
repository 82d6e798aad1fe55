import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, isInputError } from '../../shared/errors.js';
import { isDirectory } from '../files.js';
import { hookOrder, parseHookName } from '../../shared/hooks.js';
import type { SaeAdapter, SaeFacts } from './adapter.js';
import { dictionaryLearningAdapter } from './formats/dictionary-learning.js';
import { gemmaScopeAdapter } from './formats/gemma-scope.js';
import { llamaScopeAdapter } from './formats/llama-scope.js';
import { saeLensAdapter } from './formats/saelens.js';
import { sparsifyAdapter } from './formats/sparsify.js';
import type { SaeParams } from './types.js';

const SAE_ADAPTERS: readonly SaeAdapter[] = [saeLensAdapter, sparsifyAdapter, dictionaryLearningAdapter, gemmaScopeAdapter, llamaScopeAdapter];

// Gemma Scope nests SAEs as release/layer_N/width/l0/params.npz; deeper than that is not a set of SAEs.
const MAX_SEARCH_DEPTH = 4;
const KNOWN_LAYOUTS =
  'cfg.json + sae_weights.safetensors (SAELens), cfg.json + sae.safetensors (sparsify), ' +
  'config.json + ae.safetensors (dictionary_learning), params.npz or params.safetensors (Gemma Scope) ' +
  'or hyperparams.json + checkpoints/final.safetensors (Llama Scope)';

interface LocatedSae {
  adapter: SaeAdapter;
  path: string;
}

/** One member of a set as its config and header describe it: enough to plan a run before any weights are read. */
export interface SaeEntry {
  /** Opens with openSae. */
  path: string;
  hook: string;
  inputSize: number;
  contextSize?: number;
}

/** True when the path is one SAE in a known format (a cheap look at file names). */
export function matchSae(path: string): boolean {
  return SAE_ADAPTERS.some((adapter) => adapter.match(path));
}

/** One SAE, or a folder of SAEs one per hook, loaded as a set in forward-pass order. */
export function openSaes(path: string): SaeParams[] {
  const saes = locateSaes(path).map(({ adapter, path: location }) => adapter.open(location));
  const ordered = sortByHook(saes, (sae) => requireHookOrder(sae.hook, sae.source));
  refuseRepeatedHooks(ordered.map((sae) => ({ hook: sae.hook, path: sae.source })), path);
  return ordered;
}

/** The set openSaes would open, checked the same way, from configs and headers only. */
export function listSaes(path: string): SaeEntry[] {
  const entries = locateSaes(path).map(({ adapter, path: location }) => entryOf(adapter.inspect(location), location));
  const ordered = sortByHook(entries, (entry) => requireHookOrder(entry.hook, entry.path));
  refuseRepeatedHooks(ordered, path);
  return ordered;
}

/** Exactly one SAE: for jobs that load a set one member at a time. */
export function openSae(path: string): SaeParams {
  const located = locateSaes(path);
  if (located.length > 1) throw new InputError(`${path} holds ${located.length} SAEs; pick one of them.`, path);
  return located[0].adapter.open(located[0].path);
}

/** Cheap facts per SAE (configs and headers only), each with its path, in forward-pass order. */
export function inspectSae(path: string): SaeFacts[] {
  const facts = locateSaes(path).map(({ adapter, path: location }): SaeFacts => ({ ...adapter.inspect(location), path: location }));
  const ordered = sortByHook(facts, (fact) => requireHookOrder(String(fact.hook), String(fact.path)));
  refuseRepeatedHooks(ordered.map((fact) => ({ hook: String(fact.hook), path: String(fact.path) })), path);
  return ordered;
}

function entryOf(facts: SaeFacts, path: string): SaeEntry {
  const entry: SaeEntry = { path, hook: String(facts.hook), inputSize: Number(facts.d_in) };
  if (facts.context_size !== undefined) entry.contextSize = Number(facts.context_size);
  return entry;
}

function locateSaes(path: string): LocatedSae[] {
  if (!existsSync(path)) throw new InputError(`The SAE path ${path} does not exist.`, path);
  const located = search(path, 0);
  if (located.length === 0) throw new InputError(`${path} holds no SAE: expected ${KNOWN_LAYOUTS}.`, path);
  return located;
}

function search(path: string, depth: number): LocatedSae[] {
  const adapter = SAE_ADAPTERS.find((candidate) => candidate.match(path));
  if (adapter) return [{ adapter, path }];
  if (depth >= MAX_SEARCH_DEPTH || !isDirectory(path)) return [];
  const children = readdirSync(path).filter((name) => !name.startsWith('.')).sort();
  return children.flatMap((name) => search(join(path, name), depth + 1));
}

function sortByHook<T>(items: T[], order: (item: T) => number): T[] {
  return items.map((item) => ({ item, rank: order(item) })).sort((a, b) => a.rank - b.rank).map(({ item }) => item);
}

function requireHookOrder(hook: string, source: string): number {
  try {
    return hookOrder(parseHookName(hook));
  } catch (error) {
    if (!isInputError(error)) throw error;
    throw new InputError(`The SAE in ${source} reads hook '${hook}', which SAE Studio cannot tap: ${error.message}`, source);
  }
}

function refuseRepeatedHooks(saes: { hook: string; path: string }[], root: string): void {
  for (let i = 1; i < saes.length; i++) {
    if (saes[i].hook !== saes[i - 1].hook) continue;
    throw new InputError(
      `${root} holds two SAEs for ${saes[i].hook} (${saes[i - 1].path} and ${saes[i].path}); a set needs one SAE per hook.`,
      root,
    );
  }
}
