import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInputError } from '../../../src-main/shared/errors.js';
import { graphFamily } from '../../../src-main/engine/model/families/index.js';
import { openModel } from '../../../src-main/engine/model/open.js';
import type { ForwardOptions, LanguageModel, TokenBatch } from '../../../src-main/engine/model/types.js';
import { hasNvidiaGpu } from '../../../src-main/engine/onnx/devices.js';
import { writeTinyModel } from './tiny-model.js';

interface ForwardFixture {
  name: string;
  batch: TokenBatch;
  options: ForwardOptions;
  message: string;
}

const window = (ids: number[]): TokenBatch => ({ ids: Int32Array.from(ids), batch: 1, sequence: ids.length });

// Broken requests and the exact sentence each must give (after Netron's test/models.json).
const FORWARD_FIXTURES: ForwardFixture[] = [
  { name: 'a hook past the last block', batch: window([1, 2]), options: { capture: ['blocks.5.hook_resid_pre'] }, message: "Hook 'blocks.5.hook_resid_pre' is past the model's last block (1)." },
  {
    name: 'an unknown hook kind',
    batch: window([1, 2]),
    options: { capture: ['blocks.0.hook_q'] },
    message: "Unknown hook 'blocks.0.hook_q': expected blocks.L.{hook_resid_pre,hook_resid_mid,hook_resid_post,hook_attn_out,hook_mlp_out}.",
  },
  { name: 'an edit at an unknown hook', batch: window([1, 2]), options: { capture: [], edit: { hooks: ['resid'], apply: () => undefined } }, message: "Unknown hook 'resid': expected blocks.L.{hook_resid_pre,hook_resid_mid,hook_resid_post,hook_attn_out,hook_mlp_out}." },
  { name: 'a token outside the vocabulary', batch: window([1, 60000]), options: { capture: [], losses: true }, message: "Token id 60000 is outside the model's vocabulary of 50257." },
  { name: 'a window longer than the context', batch: window(new Array(40).fill(1)), options: { capture: [], logits: true }, message: "Windows of 40 tokens are longer than the model's context of 32." },
];

let dir: string;
let model: LanguageModel;

beforeAll(async () => {
  dir = writeTinyModel();
  model = (await openModel(dir, { device: 'cpu', ablation: 'none' })).model;
});

afterAll(async () => {
  await model.dispose();
});

async function inputErrorOf(action: () => Promise<unknown>): Promise<string> {
  const error = await action().then(() => undefined, (caught: unknown) => caught);
  expect(isInputError(error), String(error)).toBe(true);
  return (error as Error).message;
}

describe('openModel and forward on broken input', () => {
  it.each(FORWARD_FIXTURES)('refuses $name', async (fixture) => {
    expect(await inputErrorOf(() => model.forward(fixture.batch, fixture.options))).toBe(fixture.message);
  });

  it('says why --device cuda cannot run here', async () => {
    const message = await inputErrorOf(() => openModel(dir, { device: 'cuda', ablation: 'none' }));
    if (hasNvidiaGpu()) expect(message).toMatch(/^Device 'cuda' is not available: .+\.$/);
    else expect(message).toBe("Device 'cuda' is not available: no NVIDIA GPU or CUDA provider libraries were found.");
  });

  it('names the supported model types for an unknown one', async () => {
    const broken = writeTinyModel();
    const configFile = join(broken, 'config.json');
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), model_type: 'mistral' }));
    expect(await inputErrorOf(() => openModel(broken, { device: 'cpu', ablation: 'none' }))).toMatch(/model_type .mistral.*\(supported: gpt2, llama, gemma2, gpt_neox\)\.$/);
  });

  it('has a graph family for each supported type, and names them for any other type', () => {
    expect(graphFamily('gpt2').modelType).toBe('gpt2');
    expect(() => graphFamily('mistral')).toThrow("Model type 'mistral' has no ONNX graph (supported: gpt2, llama, gemma2, gpt_neox).");
  });

  it('reports the device that runs and the ones passed over', async () => {
    const lines: string[] = [];
    const opened = await openModel(dir, { device: 'auto', ablation: 'none', onDeviceReport: (line) => lines.push(line) });
    await opened.model.dispose();
    expect(lines.at(-1)).toBe(`Running on ${opened.model.device}.`);
    expect(lines.slice(0, -1).every((line) => /^Skipped (cuda|webgpu): .+\.$/.test(line))).toBe(true);
  });
});
