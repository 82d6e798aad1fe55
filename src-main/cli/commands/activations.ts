import { closeSync, writeSync } from 'node:fs';
import { openWritable } from '../../engine/files.js';
import { InputError } from '../../shared/errors.js';
import { modelHookNames } from '../../engine/model/families/index.js';
import { hookName, parseHookName } from '../../shared/hooks.js';
import { openModel } from '../../engine/model/open.js';
import { EMBEDDING_ABLATIONS } from '../../shared/settings/run-settings.js';
import { type LanguageModel, type TextTokenizer } from '../../engine/model/types.js';
import { choiceOption, deviceFlag, deviceOption, requiredString, stringOption, type Command, type ParsedOptions } from '../command.js';

interface Activations {
  tokens: number[];
  hooks: Map<string, Float32Array>;
  logits: Float32Array;
  width: number;
}

export const activationsCommand: Command = {
  name: 'activations',
  summary: 'Run a model on one text and write its hook activations and logits as JSON',
  options: {
    model: { type: 'string', value: 'DIR', description: 'Hugging Face model folder' },
    text: { type: 'string', value: 'TEXT', description: 'Text to run the model on' },
    hooks: { type: 'string', value: 'LIST', description: 'Comma-separated hook names (default: every hook)' },
    'prepend-bos': { type: 'boolean', description: 'Put the BOS token before the text' },
    ablate: { type: 'string', value: 'positions-only|tokens-only', description: 'Zero the token or the position embeddings', default: 'none' },
    device: deviceFlag(),
    out: { type: 'string', value: 'FILE', description: 'JSON file to write' },
  },
  async run(options) {
    const out = requiredString(options, 'out', activationsCommand);
    const text = requiredString(options, 'text', activationsCommand);
    const listed = listedHooks(options);
    const { model, tokenizer } = await openModel(requiredString(options, 'model', activationsCommand), {
      device: deviceOption(options),
      ablation: choiceOption(options, 'ablate', EMBEDDING_ABLATIONS, 'none'),
      onDeviceReport: (line) => console.log(line),
    });
    try {
      const tokens = tokenize(tokenizer, text, { prependBos: options['prepend-bos'] === true, model });
      writeActivations(out, await collect(model, tokens, listed ?? modelHookNames(model.config)));
      console.log(`Wrote ${tokens.length} positions to ${out}.`);
    } finally {
      await model.dispose();
    }
    return 0;
  },
};

/** Hook names from --hooks, checked before the model loads; undefined means every hook. */
function listedHooks(options: ParsedOptions): string[] | undefined {
  const listed = stringOption(options, 'hooks');
  return listed?.split(',').filter((name) => name.trim()).map((name) => hookName(parseHookName(name)));
}

function tokenize(tokenizer: TextTokenizer, text: string, context: { prependBos: boolean; model: LanguageModel }): number[] {
  const { bosTokenId, contextLength } = context.model.config;
  const tokens = [...(context.prependBos ? [bosTokenId] : []), ...tokenizer.encode(text)];
  if (tokens.length === 0) throw new InputError('--text gives no tokens; give some text or --prepend-bos.');
  if (tokens.length > contextLength) throw new InputError(`--text gives ${tokens.length} tokens, more than the model's context of ${contextLength}.`);
  return tokens;
}

async function collect(model: LanguageModel, tokens: number[], hooks: string[]): Promise<Activations> {
  const batch = { ids: Int32Array.from(tokens), batch: 1, sequence: tokens.length };
  const result = await model.forward(batch, { capture: hooks, logits: true });
  const ordered = new Map(hooks.map((name) => [name, result.activations.get(name)!]));
  return { tokens, hooks: ordered, logits: result.logits!, width: model.config.modelWidth };
}

/** Writes row by row: the logits of a long text are too large for one JSON string. */
function writeActivations(file: string, activations: Activations): void {
  const descriptor = openWritable(file);
  const write = (text: string) => writeSync(descriptor, text);
  try {
    write(`{"tokens":${JSON.stringify(activations.tokens)},"hooks":{`);
    [...activations.hooks].forEach(([name, values], index) => {
      write(`${index ? ',' : ''}${JSON.stringify(name)}:`);
      writeRows(write, values, activations.width);
    });
    write('},"logits":');
    writeRows(write, activations.logits, activations.logits.length / activations.tokens.length);
    write('}\n');
  } finally {
    closeSync(descriptor);
  }
}

/** JSON.stringify writes null for NaN and infinities, which bare join would leave as invalid JSON. */
function writeRows(write: (text: string) => void, values: Float32Array, width: number): void {
  write('[');
  for (let row = 0; row * width < values.length; row++) {
    write(`${row ? ',' : ''}${JSON.stringify(Array.from(values.subarray(row * width, (row + 1) * width)))}`);
  }
  write(']');
}
