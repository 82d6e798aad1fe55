import { resolve } from 'node:path';
import { DEMO_MODEL_SETTINGS, GPT2_VOCAB_SIZE, type DemoModelOptions, writeDemoModel } from '../../engine/demo/model.js';
import { SAFETENSORS_DTYPES } from '../../engine/model/safetensors.js';
import { choiceOption, integerOption, numberFlag, requiredString, type Command, type ParsedOptions } from '../command.js';

export const makeModelCommand: Command = {
  name: 'make-model',
  summary: 'Write a GPT-2 model folder with seeded random weights and the GPT-2 tokenizer (the demo model by default)',
  options: {
    out: { type: 'string', value: 'DIR', description: 'Folder to write' },
    layers: numberFlag('Transformer blocks', DEMO_MODEL_SETTINGS.layers),
    width: numberFlag('Model width (d_model)', DEMO_MODEL_SETTINGS.width),
    heads: numberFlag('Attention heads; must divide the width', DEMO_MODEL_SETTINGS.heads),
    context: numberFlag('Context length (positions)', DEMO_MODEL_SETTINGS.context),
    seed: numberFlag('Random seed of the weights', DEMO_MODEL_SETTINGS.seed),
    dtype: { type: 'string', value: SAFETENSORS_DTYPES.join('|'), description: 'Stored data type', default: 'F32' },
    shards: numberFlag('Split the weights over N files with an index', 1),
    'vocab-size': numberFlag(`Vocabulary size (GPT-2 has ${GPT2_VOCAB_SIZE})`, GPT2_VOCAB_SIZE),
    'key-prefix': { type: 'boolean', description: "Store keys as GPT2LMHeadModel does ('transformer.', lm_head, mask buffers)" },
  },
  async run(options) {
    const out = resolve(requiredString(options, 'out', makeModelCommand));
    const settings = modelOptions(options);
    writeDemoModel(out, settings);
    console.log(`Wrote a ${settings.layers}-layer GPT-2 of width ${settings.width} to ${out}`);
    return 0;
  },
};

function modelOptions(options: ParsedOptions): DemoModelOptions {
  const size = (name: string, minimum = 1) => integerOption(options, name, minimum) as number;
  return {
    layers: size('layers'),
    width: size('width'),
    heads: size('heads'),
    context: size('context'),
    seed: size('seed', 0),
    dtype: choiceOption(options, 'dtype', SAFETENSORS_DTYPES, 'F32'),
    shards: size('shards'),
    vocabSize: size('vocab-size'),
    keyPrefix: options['key-prefix'] === true,
  };
}
