import { resolve } from 'node:path';
import { FAMILY_MODEL_SETTINGS, GENERATED_FAMILIES, type FamilyModelOptions, type GeneratedFamily, writeFamilyModel } from '../../engine/demo/families.js';
import { DEMO_MODEL_SETTINGS, GPT2_VOCAB_SIZE, type DemoModelOptions, writeDemoModel } from '../../engine/demo/model.js';
import { SAFETENSORS_DTYPES } from '../../engine/model/safetensors.js';
import { choiceOption, integerOption, numberFlag, requiredString, type Command, type ParsedOptions } from '../command.js';

const MODEL_FAMILIES = ['gpt2', ...GENERATED_FAMILIES] as const;

export const makeModelCommand: Command = {
  name: 'make-model',
  summary: 'Write a model folder (GPT-2, Llama, Gemma 2 or GPT-NeoX) with seeded random weights and a tokenizer (the demo model by default)',
  options: {
    out: { type: 'string', value: 'DIR', description: 'Folder to write' },
    family: { type: 'string', value: MODEL_FAMILIES.join('|'), description: 'Architecture to write', default: 'gpt2' },
    layers: numberFlag('Transformer blocks', DEMO_MODEL_SETTINGS.layers),
    width: numberFlag('Model width (d_model)', DEMO_MODEL_SETTINGS.width),
    heads: numberFlag('Attention heads; must divide the width', DEMO_MODEL_SETTINGS.heads),
    'kv-heads': numberFlag('Key-value heads of llama and gemma2 (grouped-query attention)', FAMILY_MODEL_SETTINGS.keyValueHeads),
    context: numberFlag('Context length (positions)', DEMO_MODEL_SETTINGS.context),
    seed: numberFlag('Random seed of the weights', DEMO_MODEL_SETTINGS.seed),
    dtype: { type: 'string', value: SAFETENSORS_DTYPES.join('|'), description: 'Stored data type', default: 'F32' },
    shards: numberFlag('Split the weights over N files with an index', 1),
    'vocab-size': numberFlag(`Vocabulary size (default: GPT-2's ${GPT2_VOCAB_SIZE}; ${FAMILY_MODEL_SETTINGS.vocabSize} byte-level BPE tokens plus special tokens for the others)`),
    'key-prefix': { type: 'boolean', description: "Store keys as GPT2LMHeadModel does ('transformer.', lm_head, mask buffers)" },
    tied: { type: 'boolean', description: 'Read the head from the embedding table (llama, neox; gemma2 always does)' },
  },
  async run(options) {
    const out = resolve(requiredString(options, 'out', makeModelCommand));
    const family = choiceOption(options, 'family', MODEL_FAMILIES, 'gpt2');
    const settings = modelOptions(options);
    if (family === 'gpt2') writeDemoModel(out, settings);
    else writeFamilyModel(out, familyOptions(family, settings, options));
    console.log(`Wrote a ${settings.layers}-layer ${family} of width ${settings.width} to ${out}`);
    return 0;
  },
};

function size(options: ParsedOptions, name: string, minimum = 1): number {
  return integerOption(options, name, minimum) as number;
}

function familyOptions(family: GeneratedFamily, settings: DemoModelOptions, options: ParsedOptions): FamilyModelOptions {
  return {
    ...settings,
    family,
    keyValueHeads: size(options, 'kv-heads'),
    vocabSize: integerOption(options, 'vocab-size') ?? FAMILY_MODEL_SETTINGS.vocabSize,
    tied: options.tied === true ? true : undefined,
  };
}

function modelOptions(options: ParsedOptions): DemoModelOptions {
  return {
    layers: size(options, 'layers'),
    width: size(options, 'width'),
    heads: size(options, 'heads'),
    context: size(options, 'context'),
    seed: size(options, 'seed', 0),
    dtype: choiceOption(options, 'dtype', SAFETENSORS_DTYPES, 'F32'),
    shards: size(options, 'shards'),
    vocabSize: integerOption(options, 'vocab-size') ?? GPT2_VOCAB_SIZE,
    keyPrefix: options['key-prefix'] === true,
  };
}
