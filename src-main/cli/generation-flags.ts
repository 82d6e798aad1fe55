import { resolve } from 'node:path';
import { openDataset } from '../engine/data/registry.js';
import { InputError } from '../shared/errors.js';
import { DEFAULT_GENERATE_SETTINGS, GENERATION_LIMITS, type GenerationSettings } from '../shared/settings/steer-settings.js';
import { boundedNumberOption, integerOption, numberFlag, stringOption, type Command, type OptionSpec, type ParsedOptions } from './command.js';

/** The flags every command that generates takes: the prompts and the sampling settings. */
export function generationFlags(): Record<string, OptionSpec> {
  const { maxNewTokens, temperature, topP } = GENERATION_LIMITS;
  return {
    prompt: { type: 'string', value: 'TEXT', description: 'Prompt to continue (repeat for several)', multiple: true },
    'prompts-from': { type: 'string', value: 'FILE', description: 'Dataset file whose rows are prompts (jsonl, csv, parquet, txt)' },
    'text-column': { type: 'string', value: 'NAME', description: 'Column of --prompts-from holding the prompts' },
    samples: numberFlag('Prompts taken from --prompts-from, in file order (default: all)'),
    'max-new-tokens': numberFlag(`Tokens to generate per prompt, ${maxNewTokens.min} to ${maxNewTokens.max}`, DEFAULT_GENERATE_SETTINGS.maxNewTokens),
    temperature: numberFlag(`0 is greedy; above 0 samples (up to ${temperature.max})`, DEFAULT_GENERATE_SETTINGS.temperature, 'T'),
    'top-p': numberFlag(`Sample only among the most likely tokens holding this much probability, ${topP.min} to ${topP.max}`, DEFAULT_GENERATE_SETTINGS.topP, 'P'),
    seed: numberFlag('Seed of the sampler: the same seed gives the same continuation', DEFAULT_GENERATE_SETTINGS.seed),
  };
}

export function generationOptions(options: ParsedOptions): GenerationSettings {
  return {
    maxNewTokens: integerOption(options, 'max-new-tokens') ?? DEFAULT_GENERATE_SETTINGS.maxNewTokens,
    temperature: boundedNumberOption(options, 'temperature', GENERATION_LIMITS.temperature) ?? DEFAULT_GENERATE_SETTINGS.temperature,
    topP: boundedNumberOption(options, 'top-p', GENERATION_LIMITS.topP) ?? DEFAULT_GENERATE_SETTINGS.topP,
    seed: integerOption(options, 'seed', 0) ?? DEFAULT_GENERATE_SETTINGS.seed,
  };
}

/** The --prompt texts, or the rows of --prompts-from. */
export async function promptOptions(options: ParsedOptions, command: Command): Promise<string[]> {
  const listed = (options.prompt as string[] | undefined) ?? [];
  const file = stringOption(options, 'prompts-from');
  if (listed.length > 0 && file) throw new InputError('Give --prompt or --prompts-from, not both.');
  if (!file) {
    if (listed.length === 0) throw new InputError(`--prompt or --prompts-from is required. See 'sae-studio ${command.name} --help'.`);
    return listed;
  }
  const dataset = await openDataset(resolve(file), { textColumn: stringOption(options, 'text-column') });
  return dataset.rows.slice(0, integerOption(options, 'samples') ?? dataset.rows.length).map((row) => row.text);
}

/** Two texts in columns of `width` characters, wrapped at spaces, for reading default and steered side by side. */
export function sideBySide(left: { title: string; text: string }, right: { title: string; text: string }, width = 48): string {
  const [a, b] = [wrap(left.text, width), wrap(right.text, width)];
  const lines = [`${left.title.padEnd(width)} │ ${right.title}`, `${'─'.repeat(width)}─┼─${'─'.repeat(width)}`];
  for (let i = 0; i < Math.max(a.length, b.length); i++) lines.push(`${(a[i] ?? '').padEnd(width)} │ ${b[i] ?? ''}`);
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/(?<= )/)) {
      if (line.length + word.length > width && line) {
        lines.push(line.trimEnd());
        line = '';
      }
      for (let rest = word; rest.length > 0; rest = rest.slice(width)) {
        if (rest.length > width) lines.push(rest.slice(0, width));
        else line += rest;
        if (rest.length <= width) break;
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}
