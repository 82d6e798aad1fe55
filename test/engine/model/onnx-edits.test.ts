import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allHookNames, hookOrder, parseHookName } from '../../../src-main/shared/hooks.js';
import { openModel } from '../../../src-main/engine/model/open.js';
import type { ReferenceResult } from '../../../src-main/engine/model/reference.js';
import type { LanguageModel } from '../../../src-main/engine/model/types.js';
import { batchOf, maxDifference, OTHER_WINDOW, reference, WINDOW } from './onnx-helpers.js';
import { writeTinyModel } from './tiny-model.js';

const TOLERANCE = 1e-4;
const LAYERS = 3;
const EDITED_LAYER = 1;

let model: LanguageModel;
let own: ReferenceResult;
let other: ReferenceResult;

beforeAll(async () => {
  const dir = writeTinyModel({ layers: LAYERS, seed: 21 });
  model = (await openModel(dir, { device: 'cpu', ablation: 'none' })).model;
  own = reference(dir, WINDOW);
  other = reference(dir, OTHER_WINDOW);
});

afterAll(async () => {
  await model.dispose();
});

function flatten(rows: Float64Array[]): Float32Array {
  return Float32Array.from(rows.flatMap((row) => [...row]));
}

/** other − own at a hook, so that adding it to own's residual gives other's residual. */
function difference(hook: { from: string; to: string }): Float32Array {
  const target = other.hooks.get(hook.to)!;
  const base = own.hooks.get(hook.from)!;
  return flatten(target.map((row, position) => row.map((value, index) => value - base[position]![index]!)));
}

/**
 * Replacing a hook with values that make its residual equal another window's must leave every earlier hook as
 * this window's reference and turn every later one into the other window's reference.
 */
async function expectSpliced(edited: string, replacement: Float32Array, firstChanged: string): Promise<void> {
  const result = await model.forward(batchOf([WINDOW]), {
    capture: allHookNames(LAYERS),
    edit: { hooks: [edited], apply: (hook) => (hook === edited ? replacement : undefined) },
    logits: true,
  });
  const boundary = hookOrder(parseHookName(firstChanged));
  for (const name of allHookNames(LAYERS)) {
    if (name === edited) continue;
    const expected = hookOrder(parseHookName(name)) < boundary ? own : other;
    expect(maxDifference(result.activations.get(name)!, expected.hooks.get(name)!), name).toBeLessThan(TOLERANCE);
  }
  expect(result.activations.get(edited)).toEqual(replacement);
  expect(maxDifference(result.logits!, other.logits)).toBeLessThan(TOLERANCE);
}

describe('OnnxModel edits', () => {
  it('recomputes everything after a replaced resid_mid', async () => {
    const edited = `blocks.${EDITED_LAYER}.hook_resid_mid`;
    await expectSpliced(edited, flatten(other.hooks.get(edited)!), `blocks.${EDITED_LAYER}.hook_mlp_out`);
  });

  it('rebuilds resid_mid from a replaced attn_out', async () => {
    const edited = `blocks.${EDITED_LAYER}.hook_attn_out`;
    const replacement = difference({ from: `blocks.${EDITED_LAYER}.hook_resid_pre`, to: `blocks.${EDITED_LAYER}.hook_resid_mid` });
    await expectSpliced(edited, replacement, `blocks.${EDITED_LAYER}.hook_resid_mid`);
  });

  it('rebuilds resid_post from a replaced mlp_out', async () => {
    const edited = `blocks.${EDITED_LAYER}.hook_mlp_out`;
    const replacement = difference({ from: `blocks.${EDITED_LAYER}.hook_resid_mid`, to: `blocks.${EDITED_LAYER}.hook_resid_post` });
    await expectSpliced(edited, replacement, `blocks.${EDITED_LAYER}.hook_resid_post`);
  });

  it('hands the editor the clean activation and keeps it when the editor returns nothing', async () => {
    const seen = new Map<string, Float32Array>();
    const hooks = ['blocks.0.hook_resid_pre', 'blocks.2.hook_resid_post'];
    const result = await model.forward(batchOf([WINDOW]), {
      capture: hooks,
      edit: { hooks, apply: async (hook, activation) => void seen.set(hook, activation.slice()) },
      losses: true,
    });
    for (const hook of hooks) {
      expect(maxDifference(seen.get(hook)!, own.hooks.get(hook)!), hook).toBeLessThan(TOLERANCE);
      expect(result.activations.get(hook)).toEqual(seen.get(hook));
    }
  });

  it('zero-ablating a hook changes the losses', async () => {
    const clean = await model.forward(batchOf([WINDOW]), { capture: [], losses: true });
    const hook = 'blocks.0.hook_resid_post';
    const ablated = await model.forward(batchOf([WINDOW]), {
      capture: [],
      edit: { hooks: [hook], apply: (_, activation) => new Float32Array(activation.length) },
      losses: true,
    });
    expect(ablated.losses!.subarray(0, -1)).not.toEqual(clean.losses!.subarray(0, -1));
  });
});
