import type * as ort from 'onnxruntime-node';
import { InputError } from '../../shared/errors.js';
import type { ExecutionProvider } from '../onnx/devices.js';
import { createSession, floatTensor, int32Tensor, tensorFloats } from '../onnx/session.js';
import { PIECE_TENSORS, type BlockStep, type BranchStep, type ModelFamily, type PieceContext } from './families/index.js';
import { hookName, parseHookName, type HookKind } from '../../shared/hooks.js';
import type { ForwardOptions, ForwardResult, LanguageModel, ModelConfig, TokenBatch } from './types.js';

export interface OnnxModelOptions extends PieceContext {
  family: ModelFamily;
  provider: ExecutionProvider;
}

/** Positions per head run: 256 × GPT-2's 50,257 logits is 51 MB, small beside the weights yet a full-speed Gemm. */
const HEAD_SLICE_POSITIONS = 256;

/** One-position inputs for the half of the vocabulary piece a run does not use: it costs one row of logits. */
interface IdleFeeds {
  embedding: Record<string, ort.Tensor>;
  head: Record<string, ort.Tensor>;
}

function idleFeeds(width: number): IdleFeeds {
  return {
    embedding: { [PIECE_TENSORS.tokens]: int32Tensor(new Int32Array(1), [1, 1]) },
    head: { [PIECE_TENSORS.input]: floatTensor(new Float32Array(width), [1, width]), [PIECE_TENSORS.targets]: int32Tensor(new Int32Array(1), [1]) },
  };
}

interface Block {
  layer: number;
  branches: Map<string, ort.InferenceSession>;
}

/** A language model run piece by piece in onnxruntime, so any hook can be read or replaced between pieces. */
export class OnnxModel implements LanguageModel {
  readonly config: ModelConfig;
  readonly device: string;
  #family: ModelFamily;
  #vocabulary: ort.InferenceSession;
  #blocks: Block[];
  #idle: IdleFeeds;

  private constructor(options: OnnxModelOptions, sessions: { vocabulary: ort.InferenceSession; blocks: Block[] }) {
    this.config = options.config;
    this.device = options.provider;
    this.#family = options.family;
    this.#vocabulary = sessions.vocabulary;
    this.#blocks = sessions.blocks;
    this.#idle = idleFeeds(options.config.modelWidth);
  }

  /** Builds and loads one piece at a time, the vocabulary first because it holds the largest tensor. */
  static async create(options: OnnxModelOptions): Promise<OnnxModel> {
    const { family, provider } = options;
    const vocabulary = await createSession(family.vocabulary(options).toBytes(), provider, { prepack: !family.tiedEmbedding });
    const blocks: Block[] = [];
    for (let layer = 0; layer < options.config.layerCount; layer++) {
      const branches = new Map<string, ort.InferenceSession>();
      for (const name of branchNames(family.blockSteps)) branches.set(name, await createSession(family.branch(name, layer, options).toBytes(), provider));
      blocks.push({ layer, branches });
    }
    return new OnnxModel(options, { vocabulary, blocks });
  }

  async forward(batch: TokenBatch, options: ForwardOptions): Promise<ForwardResult> {
    checkBatch(batch, this.config);
    const plan = new ForwardPlan(options, this.config);
    const shape = [batch.batch, batch.sequence];
    const embedded = await this.#vocabulary.run({ ...this.#idle.head, [PIECE_TENSORS.tokens]: int32Tensor(batch.ids, shape) }, [PIECE_TENSORS.output]);
    let residual = tensorFloats(embedded[PIECE_TENSORS.output], PIECE_TENSORS.output);
    for (const block of this.#blocks) {
      if (plan.finishedBefore(block.layer)) break;
      residual = await this.#runBlock(block, { residual, shape, plan });
    }
    const result: ForwardResult = { activations: plan.activations };
    if (options.logits || options.losses) Object.assign(result, await this.#runHead(batch, residual, options));
    return result;
  }

  async dispose(): Promise<void> {
    const sessions = [this.#vocabulary, ...this.#blocks.flatMap((block) => [...block.branches.values()])];
    await Promise.all(sessions.map((session) => session.release()));
  }

  async #runBlock(block: Block, state: { residual: Float32Array; shape: number[]; plan: ForwardPlan }): Promise<Float32Array> {
    const values = new Map<HookKind, Float32Array>([['hook_resid_pre', await state.plan.settle(block.layer, 'hook_resid_pre', state.residual)]]);
    for (const step of this.#family.blockSteps) {
      const kind = 'branch' in step ? step.output : step.sum;
      const produced = 'branch' in step ? await this.#runBranch(block, step, values.get(step.input)!, state.shape) : sum(step.terms.map((term) => values.get(term)!));
      values.set(kind, await state.plan.settle(block.layer, kind, produced));
    }
    return values.get('hook_resid_post')!;
  }

  async #runBranch(block: Block, step: BranchStep, input: Float32Array, shape: number[]): Promise<Float32Array> {
    const session = block.branches.get(step.branch)!;
    const outputs = await session.run({ [PIECE_TENSORS.input]: floatTensor(input, [...shape, this.config.modelWidth]) });
    return tensorFloats(outputs[PIECE_TENSORS.output], PIECE_TENSORS.output);
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

/** Which hooks to keep and replace, and where the forward pass may stop. */
class ForwardPlan {
  readonly activations = new Map<string, Float32Array>();
  #capture: Set<string>;
  #edit: ForwardOptions['edit'];
  #edited: Set<string>;
  #lastLayer: number;

  constructor(options: ForwardOptions, config: ModelConfig) {
    const captured = options.capture.map((name) => checkedHook(name, config));
    const edited = (options.edit?.hooks ?? []).map((name) => checkedHook(name, config));
    this.#capture = new Set(captured.map(hookName));
    this.#edit = options.edit;
    this.#edited = new Set(edited.map(hookName));
    const needsHead = options.logits || options.losses;
    this.#lastLayer = needsHead ? config.layerCount - 1 : Math.max(-1, ...[...captured, ...edited].map((point) => point.layer));
  }

  finishedBefore(layer: number): boolean {
    return layer > this.#lastLayer;
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
  return point;
}

function checkedEdit(name: string, replacement: Float32Array | undefined, length: number): Float32Array | undefined {
  if (replacement && replacement.length !== length) throw new Error(`The edit at ${name} returned ${replacement.length} values, expected ${length}.`);
  return replacement;
}

function checkBatch(batch: TokenBatch, config: ModelConfig): void {
  if (batch.ids.length !== batch.batch * batch.sequence) throw new Error(`Token batch has ${batch.ids.length} ids for ${batch.batch}×${batch.sequence}.`);
  if (batch.sequence > config.contextLength) {
    throw new InputError(`Windows of ${batch.sequence} tokens are longer than the model's context of ${config.contextLength}.`);
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
