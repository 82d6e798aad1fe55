import { describe, expect, it } from 'vitest';
import { allHookNames, hookOrder, parseHookName } from '../../../src-main/shared/hooks.js';
import { readModelFolder } from '../../../src-main/engine/model/folder.js';
import { conv1d, referenceForward } from '../../../src-main/engine/model/reference.js';
import type { ModelConfig, WeightSource } from '../../../src-main/engine/model/types.js';
import { writeTinyModel } from './tiny-model.js';

/** GELU (tanh approximation) at ±1, worked out by hand from 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
const GELU_AT_ONE = 0.8411919906082768;
const GELU_AT_MINUS_ONE = -0.15880800939172324;

function memoryWeights(tensors: Record<string, number[][] | number[]>): WeightSource {
  const flat = (name: string) => new Float32Array((tensors[name] as number[] | number[][]).flat());
  const shape = (name: string) => (Array.isArray(tensors[name][0]) ? [tensors[name].length, (tensors[name][0] as number[]).length] : [tensors[name].length]);
  return { path: 'memory', names: () => Object.keys(tensors), has: (name) => name in tensors, shape, read: flat };
}

/** One layer, width 2, one head: every LayerNorm output is ±[1, −1] (ε ≈ 0), so results follow by hand. */
function handModel(attention: 'uniform' | 'identity'): { config: ModelConfig; weights: WeightSource } {
  const identity = [[1, 0], [0, 1]];
  const zeros = [[0, 0], [0, 0]];
  const queryKey = attention === 'identity' ? identity : zeros;
  const attentionWeight = [0, 1].map((row) => [...queryKey[row], ...queryKey[row], ...identity[row]]);
  const weights = memoryWeights({
    'wte.weight': [[1, 0], [0, 2], [3, 1]],
    'wpe.weight': [[0, 0], [0.5, 0], [0, 0]],
    'h.0.ln_1.weight': [1, 1], 'h.0.ln_1.bias': [0, 0],
    'h.0.attn.c_attn.weight': attentionWeight, 'h.0.attn.c_attn.bias': [0, 0, 0, 0, 0, 0],
    'h.0.attn.c_proj.weight': identity, 'h.0.attn.c_proj.bias': [0, 0],
    'h.0.ln_2.weight': [1, 1], 'h.0.ln_2.bias': [0, 0],
    'h.0.mlp.c_fc.weight': [[1, 0, 0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0, 0]], 'h.0.mlp.c_fc.bias': [0, 0, 0, 0, 0, 0, 0, 0],
    'h.0.mlp.c_proj.weight': [[1, 0], [0, 1], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0]], 'h.0.mlp.c_proj.bias': [0, 0],
    'ln_f.weight': [1, 1], 'ln_f.bias': [0, 0],
  });
  const config = { modelType: 'gpt2', layerCount: 1, modelWidth: 2, headCount: 1, vocabSize: 3, contextLength: 3, layerNormEpsilon: 1e-14, bosTokenId: 0, eosTokenId: 0 };
  return { config, weights };
}

function rows(result: Float64Array[]): number[][] {
  return result.map((row) => [...row]);
}

function expectRowsClose(actual: Float64Array[], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, position) => row.forEach((value, i) => expect(value).toBeCloseTo(expected[position][i], 9)));
}

describe('referenceForward on hand-checkable models', () => {
  it('computes Conv1D as x W + b with W stored [in, out]', () => {
    const affine = { weight: new Float32Array([1, 2, 3, 4, 5, 6]), bias: new Float32Array([0.5, 0, 0]) };
    expect([...conv1d(new Float64Array([1, 2]), affine)]).toEqual([9.5, 12, 15]);
  });

  it('averages earlier positions under uniform causal attention, then applies GELU and ln_f', () => {
    const { config, weights } = handModel('uniform');
    const { hooks, logits } = referenceForward(config, weights, [0, 1]);
    expect(rows(hooks.get('blocks.0.hook_resid_pre')!)).toEqual([[1, 0], [0.5, 2]]);
    expectRowsClose(hooks.get('blocks.0.hook_attn_out')!, [[1, -1], [0, 0]]);
    expectRowsClose(hooks.get('blocks.0.hook_mlp_out')!, [[GELU_AT_ONE, GELU_AT_MINUS_ONE], [GELU_AT_MINUS_ONE, GELU_AT_ONE]]);
    expectRowsClose(hooks.get('blocks.0.hook_resid_post')!, [[2 + GELU_AT_ONE, -1 + GELU_AT_MINUS_ONE], [0.5 + GELU_AT_MINUS_ONE, 2 + GELU_AT_ONE]]);
    expectRowsClose(logits, [[1, -2, 2], [-1, 2, -2]]);
  });

  it('scales attention scores by 1/√(head width) and masks later positions', () => {
    const { config, weights } = handModel('identity');
    const { hooks } = referenceForward(config, weights, [0, 1], { logits: false });
    // Scores ∓2/√2 give weights whose difference is tanh(√2).
    expectRowsClose(hooks.get('blocks.0.hook_attn_out')!, [[1, -1], [-Math.tanh(Math.SQRT2), Math.tanh(Math.SQRT2)]]);
  });

  it('zeroes token embeddings for positions-only and positional ones for tokens-only', () => {
    const { config, weights } = handModel('uniform');
    const pre = (ablation: 'positions-only' | 'tokens-only') =>
      rows(referenceForward(config, weights, [2, 1], { ablation, logits: false }).hooks.get('blocks.0.hook_resid_pre')!);
    expect(pre('positions-only')).toEqual([[0, 0], [0.5, 0]]);
    expect(pre('tokens-only')).toEqual([[3, 1], [0, 2]]);
  });
});

describe('referenceForward on a generated model', () => {
  const model = readModelFolder(writeTinyModel({ layers: 3, heads: 4, vocabSize: 300 }));
  const tokens = [5, 17, 250, 3, 99, 100, 7];
  const { hooks, logits } = referenceForward(model.config, model.weights, tokens);

  it('produces every hook in forward order and logits per position', () => {
    const order = [...hooks.keys()].map((name) => hookOrder(parseHookName(name)));
    expect([...hooks.keys()].sort()).toEqual(allHookNames(3).sort());
    expect(order).toEqual([...order].sort((left, right) => left - right));
    for (const vectors of hooks.values()) expect(vectors.map((row) => row.length)).toEqual(tokens.map(() => 16));
    expect(logits.map((row) => row.length)).toEqual(tokens.map(() => 300));
    expect(Math.max(...logits[0].map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('never lets a later token change an earlier position', () => {
    const changed = referenceForward(model.config, model.weights, [...tokens.slice(0, -1), 42]);
    for (const [name, vectors] of hooks) {
      expect(rows(changed.hooks.get(name)!.slice(0, -1))).toEqual(rows(vectors.slice(0, -1)));
      expect(rows(changed.hooks.get(name)!.slice(-1))).not.toEqual(rows(vectors.slice(-1)));
    }
  });

  it('chains the residual stream: mid = pre + attn_out, post = mid + mlp_out, post(L) = pre(L+1)', () => {
    for (let layer = 0; layer < 3; layer++) {
      const hook = (kind: string) => hooks.get(`blocks.${layer}.${kind}`)!;
      const sum = (left: Float64Array[], right: Float64Array[]) => left.map((row, p) => row.map((value, i) => value + right[p][i]));
      expectRowsClose(hook('hook_resid_mid'), rows(sum(hook('hook_resid_pre'), hook('hook_attn_out'))));
      expectRowsClose(hook('hook_resid_post'), rows(sum(hook('hook_resid_mid'), hook('hook_mlp_out'))));
      if (layer < 2) expect(rows(hook('hook_resid_post'))).toEqual(rows(hooks.get(`blocks.${layer + 1}.hook_resid_pre`)!));
    }
  });

  it('ignores which tokens were given under positions-only ablation', () => {
    const run = (ids: number[]) => referenceForward(model.config, model.weights, ids, { ablation: 'positions-only', logits: false });
    const first = run(tokens).hooks.get('blocks.2.hook_resid_post')!;
    expect(rows(run(tokens.map((token) => token + 1)).hooks.get('blocks.2.hook_resid_post')!)).toEqual(rows(first));
    expect(rows(first)).not.toEqual(rows(hooks.get('blocks.2.hook_resid_post')!));
  });
});
