import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { InputError } from '../../shared/errors.js';
import type { ExecutionProvider } from '../onnx/devices.js';
import type { GraphBuilder } from '../onnx/graph.js';
import { createSession, type SessionSettings, floatTensor, int32Tensor, int64Scalar, int64Tensor, tensorFloats } from '../onnx/session.js';
import { checkHookExists, PIECE_TENSORS, type BlockStep, type BranchStep, type ModelFamily, type PieceContext } from './families/index.js';
import { hookName, parseHookName, type HookKind } from '../../shared/hooks.js';
import { OnnxKeyValueCache, type LayerCache } from './kv-cache.js';
import { addLens, emptyLens, LENS_TENSORS, stackRows, storeLensSlice } from './lens.js';
import type { ForwardOptions, ForwardResult, KeyValueCache, LanguageModel, LensRequest, LensResult, ModelConfig, TokenBatch } from './types.js';

export interface OnnxModelOptions extends PieceContext {
  family: ModelFamily;
  provider: ExecutionProvider;
  /** Build only blocks 0…layers−1, enough for hooks up to the deepest a job reads; all of them by default. */
  layers?: number;
  /** Pieces whose weights pass this many bytes keep them in an external data file, below protobuf's 2 GB. */
  externalDataBytes?: number;
}

/** Well under protobuf's 2 GB, so a piece's graph and its small constants always fit. */
export const EXTERNAL_DATA_BYTES = 1024 ** 3;

/** Positions per head run: 256 × GPT-2's 50,257 logits is 51 MB, small beside the weights yet a full-speed Gemm. */
const HEAD_SLICE_POSITIONS = 256;

/** One-position inputs for the half of the vocabulary piece a run does not use: it costs one row of logits. */
interface IdleFeeds {
  embedding: Record<string, ort.Tensor>;
  head: Record<string, ort.Tensor>;
  lens: Record<string, ort.Tensor>;
}

function idleFeeds(width: number, cached: boolean): IdleFeeds {
  return {
    embedding: { [PIECE_TENSORS.tokens]: int32Tensor(new Int32Array(1), [1, 1]), ...(cached ? startFeed(0) : {}) },
    head: { [PIECE_TENSORS.input]: floatTensor(new Float32Array(width), [1, width]), [PIECE_TENSORS.targets]: int32Tensor(new Int32Array(1), [1]) },
    lens: lensFeeds(1, 1),
  };
}

function startFeed(start: number): Record<string, ort.Tensor> {
  return { [PIECE_TENSORS.start]: int64Scalar(start) };
}

function lensFeeds(points: number, top: number): Record<string, ort.Tensor> {
  return { [LENS_TENSORS.points]: int64Tensor([points]), [LENS_TENSORS.top]: int64Tensor([top]) };
}

const LENS_FETCHES = [LENS_TENSORS.kl, LENS_TENSORS.argmax];
const LENS_TOP_FETCHES = [...LENS_FETCHES, LENS_TENSORS.topLogProbabilities, LENS_TENSORS.topTokens];

interface Block {
  layer: number;
  branches: Map<string, ort.InferenceSession>;
}

/** One forward's walk through the blocks; with a cache, the keys and values it produces wait here until every block ran. */
interface BlockState {
  residual: Float32Array;
  shape: number[];
  plan: ForwardPlan;
  cache?: OnnxKeyValueCache;
  presents: Map<number, LayerCache>;
}

/** A language model run piece by piece in onnxruntime, so any hook can be read or replaced between pieces. */
export class OnnxModel implements LanguageModel {
  readonly config: ModelConfig;
  readonly device: string;
  #family: ModelFamily;
  #vocabulary: ort.InferenceSession;
  #blocks: Block[];
  #idle: IdleFeeds;
  #cached: boolean;

  private constructor(options: OnnxModelOptions, sessions: { vocabulary: ort.InferenceSession; blocks: Block[] }) {
    this.config = options.config;
    this.device = options.provider;
    this.#family = options.family;
    this.#vocabulary = sessions.vocabulary;
    this.#blocks = sessions.blocks;
    this.#cached = options.cache === true;
    this.#idle = idleFeeds(options.config.modelWidth, this.#cached);
  }

  /** Builds and loads one piece at a time, the vocabulary first because it holds the largest tensor. */
  static async create(options: OnnxModelOptions): Promise<OnnxModel> {
    const { family, config } = options;
    const scratch = new PieceScratch(options);
    try {
      const vocabularyGraph = family.vocabulary(options);
      addLens(vocabularyGraph, config.vocabSize);
      const vocabulary = await scratch.load(vocabularyGraph, { prepack: !family.tiedEmbedding(config) });
      const blocks: Block[] = [];
      for (let layer = 0; layer < Math.min(options.layers ?? config.layerCount, config.layerCount); layer++) {
        const branches = new Map<string, ort.InferenceSession>();
        for (const name of branchNames(family.blockSteps(config))) branches.set(name, await scratch.load(family.branch(name, layer, options)));
        blocks.push({ layer, branches });
      }
      return new OnnxModel(options, { vocabulary, blocks });
    } finally {
      scratch.remove();
    }
  }

  async forward(batch: TokenBatch, options: ForwardOptions): Promise<ForwardResult> {
    const cache = this.#cacheFor(batch, options.cache);
    checkBatch(batch, this.config, cache?.length ?? 0);
    const plan = new ForwardPlan(options, this.config, cache !== undefined);
    plan.checkLoaded(this.#blocks.length);
    const shape = [batch.batch, batch.sequence];
    const tokens = { [PIECE_TENSORS.tokens]: int32Tensor(batch.ids, shape), ...(cache ? startFeed(cache.length) : {}) };
    const embedded = await this.#vocabulary.run({ ...this.#idle.head, ...this.#idle.lens, ...tokens }, [PIECE_TENSORS.output]);
    const state: BlockState = { residual: tensorFloats(embedded[PIECE_TENSORS.output], PIECE_TENSORS.output), shape, plan, cache, presents: new Map() };
    for (const block of this.#blocks) {
      if (plan.finishedBefore(block.layer)) break;
      state.residual = await this.#runBlock(block, state);
    }
    cache?.append(state.presents, batch.sequence);
    const result: ForwardResult = { activations: plan.activations };
    if (options.logits === 'last') result.logits = await this.#lastLogits(batch, state.residual);
    else if (options.logits || options.losses) Object.assign(result, await this.#runHead(batch, state.residual, options));
    return result;
  }

  createCache(batch: number): KeyValueCache {
    if (!this.#cached) throw new Error('This model was opened without a KV cache.');
    return new OnnxKeyValueCache(batch, this.config);
  }

  /** A model built for a cache always runs with one: the caller's, or an empty one for a plain forward. */
  #cacheFor(batch: TokenBatch, cache: KeyValueCache | undefined): OnnxKeyValueCache | undefined {
    if (!this.#cached) {
      if (cache) throw new Error('This model was opened without a KV cache.');
      return undefined;
    }
    const own = cache ?? this.createCache(batch.batch);
    if (!(own instanceof OnnxKeyValueCache) || own.batch !== batch.batch) throw new Error(`The KV cache holds ${own.batch} windows, not ${batch.batch}.`);
    return own;
  }

  /** Runs the head on slices of rows of every point at once, about as many head rows per slice as a forward's head. */
  async logitLens(request: LensRequest): Promise<LensResult> {
    const { modelWidth } = this.config;
    const pointCount = request.points.length;
    const rows = request.rows ?? Int32Array.from({ length: request.points[0]!.length / modelWidth }, (_, row) => row);
    const result = emptyLens(pointCount, rows.length, request.top);
    const sliceRows = Math.max(1, Math.floor(HEAD_SLICE_POSITIONS / pointCount));
    for (let start = 0; start < rows.length; start += sliceRows) {
      const picked = rows.subarray(start, Math.min(start + sliceRows, rows.length));
      const headRows = pointCount * picked.length;
      const feeds = {
        ...this.#idle.embedding,
        ...lensFeeds(pointCount, Math.max(1, request.top)),
        [PIECE_TENSORS.input]: floatTensor(stackRows(request.points, picked, modelWidth), [headRows, modelWidth]),
        [PIECE_TENSORS.targets]: int32Tensor(new Int32Array(headRows), [headRows]),
      };
      const outputs = await this.#vocabulary.run(feeds, request.top > 0 ? LENS_TOP_FETCHES : LENS_FETCHES);
      storeLensSlice(result, outputs, { start, count: picked.length, rowCount: rows.length, top: request.top });
    }
    return result;
  }

  async dispose(): Promise<void> {
    const sessions = [this.#vocabulary, ...this.#blocks.flatMap((block) => [...block.branches.values()])];
    await Promise.all(sessions.map((session) => session.release()));
  }

  async #runBlock(block: Block, state: BlockState): Promise<Float32Array> {
    const values = new Map<HookKind, Float32Array>([['hook_resid_pre', await state.plan.settle(block.layer, 'hook_resid_pre', state.residual)]]);
    for (const step of this.#family.blockSteps(this.config)) {
      const kind = 'branch' in step ? step.output : step.sum;
      const produced = 'branch' in step ? await this.#runBranch(block, step, values.get(step.input)!, state) : sum(step.terms.map((term) => values.get(term)!));
      values.set(kind, await state.plan.settle(block.layer, kind, produced));
    }
    return values.get('hook_resid_post')!;
  }

  async #runBranch(block: Block, step: BranchStep, input: Float32Array, state: BlockState): Promise<Float32Array> {
    const session = block.branches.get(step.branch)!;
    const attends = state.cache !== undefined && session.inputNames.includes(PIECE_TENSORS.pastKey);
    const feeds: Record<string, ort.Tensor> = { [PIECE_TENSORS.input]: floatTensor(input, [...state.shape, this.config.modelWidth]) };
    if (attends) Object.assign(feeds, state.cache!.pastFeeds(block.layer));
    const outputs = await session.run(feeds);
    if (attends) state.presents.set(block.layer, { key: outputs[PIECE_TENSORS.presentKey]!, value: outputs[PIECE_TENSORS.presentValue]! });
    return tensorFloats(outputs[PIECE_TENSORS.output], PIECE_TENSORS.output);
  }

  /** Logits of each window's last position only, through the head in one run. */
  async #lastLogits(batch: TokenBatch, residual: Float32Array): Promise<Float32Array> {
    const width = this.config.modelWidth;
    const rows = new Float32Array(batch.batch * width);
    for (let row = 0; row < batch.batch; row++) {
      const last = (row + 1) * batch.sequence - 1;
      rows.set(residual.subarray(last * width, (last + 1) * width), row * width);
    }
    const feeds = {
      ...this.#idle.embedding,
      ...this.#idle.lens,
      [PIECE_TENSORS.input]: floatTensor(rows, [batch.batch, width]),
      [PIECE_TENSORS.targets]: int32Tensor(new Int32Array(batch.batch), [batch.batch]),
    };
    const outputs = await this.#vocabulary.run(feeds, [PIECE_TENSORS.logits]);
    return tensorFloats(outputs[PIECE_TENSORS.logits], PIECE_TENSORS.logits);
  }

  /** Runs the head over slices of positions: it is position-wise, and a slice bounds the vocabulary-sized buffers. */
  async #runHead(batch: TokenBatch, residual: Float32Array, options: ForwardOptions): Promise<Pick<ForwardResult, 'logits' | 'losses'>> {
    const { modelWidth, vocabSize } = this.config;
    const targets = nextTokens(batch);
    const result: Pick<ForwardResult, 'logits' | 'losses'> = {};
    if (options.logits) result.logits = new Float32Array(targets.length * vocabSize);
    if (options.losses) result.losses = new Float32Array(targets.length);
    const fetches = [...(options.logits ? [PIECE_TENSORS.logits] : []), ...(options.losses ? [PIECE_TENSORS.losses] : [])];
    for (let start = 0; start < targets.length; start += HEAD_SLICE_POSITIONS) {
      const end = Math.min(start + HEAD_SLICE_POSITIONS, targets.length);
      const feeds = {
        ...this.#idle.embedding,
        ...this.#idle.lens,
        [PIECE_TENSORS.input]: floatTensor(residual.subarray(start * modelWidth, end * modelWidth), [end - start, modelWidth]),
        [PIECE_TENSORS.targets]: int32Tensor(targets.subarray(start, end), [end - start]),
      };
      const outputs = await this.#vocabulary.run(feeds, fetches);
      result.logits?.set(tensorFloats(outputs[PIECE_TENSORS.logits], PIECE_TENSORS.logits), start * vocabSize);
      result.losses?.set(tensorFloats(outputs[PIECE_TENSORS.losses], PIECE_TENSORS.losses), start);
    }
    if (result.losses) maskLastPositions(result.losses, batch);
    return result;
  }
}

/** Where pieces too large for one protobuf are written with external data while their sessions load. */
class PieceScratch {
  #options: OnnxModelOptions;
  #dir: string | undefined;
  #count = 0;

  constructor(options: OnnxModelOptions) {
    this.#options = options;
  }

  async load(graph: GraphBuilder, settings: SessionSettings = {}): Promise<ort.InferenceSession> {
    const limit = this.#options.externalDataBytes ?? EXTERNAL_DATA_BYTES;
    if (graph.weightBytes() <= limit) return createSession(graph.toBytes(), this.#options.provider, settings);
    this.#dir ??= mkdtempSync(join(tmpdir(), 'sae-studio-pieces-'));
    const modelPath = graph.saveWithExternalData(join(this.#dir, String(this.#count++)));
    const session = await createSession(modelPath, this.#options.provider, settings);
    // onnxruntime has read or mapped the weights; on Linux and macOS a mapped file outlives its name.
    rmSync(dirname(modelPath), { recursive: true, force: true });
    return session;
  }

  remove(): void {
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** Which hooks to keep and replace, and where the forward pass may stop. */
class ForwardPlan {
  readonly activations = new Map<string, Float32Array>();
  #capture: Set<string>;
  #edit: ForwardOptions['edit'];
  #edited: Set<string>;
  #lastLayer: number;
  #layerCount: number;
  #needsHead: boolean;

  /** With a cache every block runs, so that every layer's keys and values cover the new positions. */
  constructor(options: ForwardOptions, config: ModelConfig, cached: boolean) {
    const captured = options.capture.map((name) => checkedHook(name, config));
    const edited = (options.edit?.hooks ?? []).map((name) => checkedHook(name, config));
    this.#capture = new Set(captured.map(hookName));
    this.#edit = options.edit;
    this.#edited = new Set(edited.map(hookName));
    const needsHead = options.logits || options.losses || cached;
    this.#lastLayer = needsHead ? config.layerCount - 1 : Math.max(-1, ...[...captured, ...edited].map((point) => point.layer));
    this.#layerCount = config.layerCount;
    this.#needsHead = Boolean(needsHead);
  }

  finishedBefore(layer: number): boolean {
    return layer > this.#lastLayer;
  }

  /** A model opened with only its first blocks cannot reach later hooks or the head. */
  checkLoaded(blockCount: number): void {
    if (this.#lastLayer < blockCount) return;
    const needs = this.#needsHead ? `all ${this.#layerCount} (logits, losses and generation run every layer)` : `layer ${this.#lastLayer}`;
    throw new InputError(`This run opened the model's first ${blockCount} layers only but needs ${needs}; open it with more layers.`);
  }

  /** Applies an edit at this hook, then records what the rest of the model sees there. */
  async settle(layer: number, kind: HookKind, activation: Float32Array): Promise<Float32Array> {
    const name = hookName({ layer, kind });
    let value = activation;
    if (this.#edit && this.#edited.has(name)) value = checkedEdit(name, await this.#edit.apply(name, activation), activation.length) ?? activation;
    if (this.#capture.has(name)) this.activations.set(name, value);
    return value;
  }
}

function checkedHook(name: string, config: ModelConfig) {
  const point = parseHookName(name);
  if (point.layer >= config.layerCount) throw new InputError(`Hook '${name}' is past the model's last block (${config.layerCount - 1}).`);
  checkHookExists(point, config);
  return point;
}

function checkedEdit(name: string, replacement: Float32Array | undefined, length: number): Float32Array | undefined {
  if (replacement && replacement.length !== length) throw new Error(`The edit at ${name} returned ${replacement.length} values, expected ${length}.`);
  return replacement;
}

function checkBatch(batch: TokenBatch, config: ModelConfig, cached: number): void {
  if (batch.ids.length !== batch.batch * batch.sequence) throw new Error(`Token batch has ${batch.ids.length} ids for ${batch.batch}×${batch.sequence}.`);
  if (cached + batch.sequence > config.contextLength) {
    throw new InputError(`Windows of ${cached + batch.sequence} tokens are longer than the model's context of ${config.contextLength}.`);
  }
  const outside = batch.ids.find((id) => id < 0 || id >= config.vocabSize);
  if (outside !== undefined) throw new InputError(`Token id ${outside} is outside the model's vocabulary of ${config.vocabSize}.`);
}

function branchNames(steps: readonly BlockStep[]): string[] {
  return steps.flatMap((step) => ('branch' in step ? [step.branch] : []));
}

function sum(terms: Float32Array[]): Float32Array {
  const total = terms[0]!.slice();
  for (const term of terms.slice(1)) {
    for (let index = 0; index < total.length; index++) total[index]! += term[index]!;
  }
  return total;
}

/** Each position's target is the next token; the last position has none and is masked afterwards. */
function nextTokens(batch: TokenBatch): Int32Array {
  const targets = new Int32Array(batch.ids.length);
  for (let row = 0; row < batch.batch; row++) {
    const start = row * batch.sequence;
    targets.set(batch.ids.subarray(start + 1, start + batch.sequence), start);
  }
  return targets;
}

function maskLastPositions(losses: Float32Array, batch: TokenBatch): void {
  for (let row = 0; row < batch.batch; row++) losses[(row + 1) * batch.sequence - 1] = Number.NaN;
}

