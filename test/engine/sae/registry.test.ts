import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInputError } from '../../../src-main/shared/errors.js';
import { inspectSae, listSaes, matchSae, openSae, openSaes } from '../../../src-main/engine/sae/registry.js';
import { sampleSaeParams, writeDictionaryLearningFolder, writeGemmaScopeFile, writeSaeLensFolder, writeSparsifyFolder } from '../../helpers/sae-files.js';
import { BROKEN_SAES } from './broken-saes.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'sae-registry-'));

/** Checks the action fails with an InputError whose message is exactly the fixture's. */
function expectInputError(action: () => unknown, message: string): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(isInputError(caught), String(caught)).toBe(true);
  expect((caught as Error).message).toBe(message);
}

describe('SAE registry', () => {
  it('opens a folder of SAELens SAEs as a set in forward-pass order, whatever their folder names', () => {
    const root = scratch();
    const hooks = ['blocks.2.hook_resid_pre', 'blocks.0.hook_mlp_out', 'blocks.1.hook_resid_post', 'blocks.0.hook_resid_pre', 'blocks.10.hook_resid_pre'];
    hooks.forEach((hook, i) => writeSaeLensFolder(join(root, `z${i}`), sampleSaeParams({ inputSize: 2, featureCount: 3, hook, seed: i })));
    const opened = openSaes(root);
    expect(opened.map((sae) => sae.hook)).toEqual(['blocks.0.hook_resid_pre', 'blocks.0.hook_mlp_out', 'blocks.1.hook_resid_post', 'blocks.2.hook_resid_pre', 'blocks.10.hook_resid_pre']);
    expect(inspectSae(root).map((facts) => facts.path)).toEqual(opened.map((sae) => sae.source));
  });

  it('picks the adapter per SAE in a mixed folder', () => {
    const root = scratch();
    writeSaeLensFolder(join(root, 'saelens'), sampleSaeParams({ inputSize: 2, featureCount: 3, hook: 'blocks.0.hook_resid_pre' }));
    writeSparsifyFolder(join(root, 'h.0'), sampleSaeParams({ inputSize: 2, featureCount: 3, architecture: 'topk', k: 1 }));
    writeDictionaryLearningFolder(join(root, 'dl'), sampleSaeParams({ inputSize: 2, featureCount: 3, architecture: 'topk', k: 1 }), { submoduleName: 'mlp_out_layer_1' });
    writeGemmaScopeFile(join(root, 'gemma-scope-res', 'layer_2', 'params.npz'), sampleSaeParams({ inputSize: 2, featureCount: 3, architecture: 'jumprelu' }));
    expect(openSaes(root).map((sae) => `${sae.format} ${sae.hook}`)).toEqual([
      'saelens blocks.0.hook_resid_pre',
      'sparsify blocks.0.hook_resid_post',
      'dictionary-learning blocks.1.hook_mlp_out',
      'gemma-scope blocks.2.hook_resid_post',
    ]);
  });

  it('matches one SAE, opens it alone, and refuses to pick one from a set', () => {
    const root = scratch();
    const folder = writeSaeLensFolder(join(root, 'one'), sampleSaeParams({ inputSize: 2, featureCount: 3 }));
    writeSaeLensFolder(join(root, 'two'), sampleSaeParams({ inputSize: 2, featureCount: 3, hook: 'blocks.4.hook_resid_pre' }));
    expect(matchSae(folder)).toBe(true);
    expect(matchSae(root)).toBe(false);
    expect(openSae(folder).source).toBe(folder);
    expect(() => openSae(root)).toThrow(`${root} holds 2 SAEs; pick one of them.`);
  });
});

describe('listing a set', () => {
  it('names each SAE, its hook, input size and context as openSaes opens them, in the same order', () => {
    const root = scratch();
    const hooks = ['blocks.3.hook_resid_pre', 'blocks.0.hook_mlp_out', 'blocks.1.hook_resid_post'];
    hooks.forEach((hook, i) => writeSaeLensFolder(join(root, `z${i}`), { ...sampleSaeParams({ inputSize: 2, featureCount: 3, hook, seed: i }), contextSize: 64 + i }));
    writeGemmaScopeFile(join(root, 'gemma-scope-res', 'layer_2', 'params.npz'), sampleSaeParams({ inputSize: 2, featureCount: 3, architecture: 'jumprelu' }));
    const listed = listSaes(root);
    const opened = listed.map((entry) => openSae(entry.path));
    const described = (saes: { hook: string; inputSize: number; contextSize?: number }[]) => saes.map(({ hook, inputSize, contextSize }) => ({ hook, inputSize, contextSize }));
    expect(described(listed)).toEqual(described(opened));
    expect(opened.map((sae) => sae.hook)).toEqual(openSaes(root).map((sae) => sae.hook));
  });

  it.each(BROKEN_SAES.map((fixture) => [fixture.name, fixture] as const))('gives the sentence openSaes gives: %s', (_name, fixture) => {
    const dir = scratch();
    const path = fixture.build(dir);
    expectInputError(() => listSaes(path).map((entry) => openSae(entry.path)), fixture.message.replaceAll('$DIR', dir));
  });
});

describe('inspecting broken SAE inputs', () => {
  const headerProblems = BROKEN_SAES.filter((fixture) => !fixture.whenRead);
  it.each(headerProblems.map((fixture) => [fixture.name, fixture] as const))('inspect refuses what analyze refuses: %s', (_name, fixture) => {
    const dir = scratch();
    expectInputError(() => inspectSae(fixture.build(dir)), fixture.message.replaceAll('$DIR', dir));
  });
});

describe('broken SAE inputs', () => {
  it.each(BROKEN_SAES.map((fixture) => [fixture.name, fixture] as const))('%s', (_name, fixture) => {
    const dir = scratch();
    expectInputError(() => openSaes(fixture.build(dir)), fixture.message.replaceAll('$DIR', dir));
  });
});
