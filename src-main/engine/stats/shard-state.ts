import type { ShardFile, ShardWriter } from '../shards/shard-file.js';
import type { MomentsState } from './moments.js';
import type { SaeState } from './sae-accumulator.js';
import type { FeatureExamples } from './top-examples.js';

/** The summary's scalars in one float64 section, in this order. */
const SUMMARY_SCALARS = ['tokens', 'squaredErrors', 'cosines', 'shiftedSquares', 'lossCount', 'clean', 'spliced', 'zero'] as const;

function writeMoments(writer: ShardWriter, prefix: string, moments: MomentsState): void {
  for (const key of ['counts', 'shifts', 'sums', 'squares'] as const) writer.section(`${prefix}.${key}`, moments[key]);
}

function readMoments(file: ShardFile, prefix: string): MomentsState {
  const read = (key: string) => file.read(`${prefix}.${key}`, Float64Array);
  return { counts: read('counts'), shifts: read('shifts'), sums: read('sums'), squares: read('squares') };
}

/** Writes one SAE's accumulators as the sections `sae I …`. */
export function writeSaeState(writer: ShardWriter, index: number, state: SaeState): void {
  const prefix = `sae ${index}`;
  writeMoments(writer, `${prefix} features.moments`, state.features.moments);
  writer.section(`${prefix} features.max`, state.features.max);
  for (const key of ['offsets', 'buckets', 'counts'] as const) writer.section(`${prefix} features.sketch.${key}`, state.features.sketch[key]);
  const { positions, summary } = state;
  for (const key of ['windows', 'squaredErrors', 'norms'] as const) writer.section(`${prefix} positions.${key}`, positions[key]);
  for (const key of ['activations', 'cleanLosses', 'splicedLosses'] as const) writeMoments(writer, `${prefix} positions.${key}`, positions[key]);
  const { count, clean, spliced, zero } = summary.losses;
  const scalars = [summary.tokens, summary.squaredErrors, summary.cosines, summary.shiftedSquares, count, clean, spliced, zero];
  writer.section(`${prefix} summary.scalars`, Float64Array.from(scalars));
  writer.section(`${prefix} summary.shift`, summary.shift ?? new Float64Array(0));
  writer.section(`${prefix} summary.shiftedSums`, summary.shiftedSums);
  if (state.examples) writeExamples(writer, `${prefix} examples`, state.examples);
}

function writeExamples(writer: ShardWriter, prefix: string, examples: FeatureExamples): void {
  writer.section(`${prefix}.perFeature`, Int32Array.of(examples.perFeature));
  for (const key of ['offsets', 'windows', 'positions'] as const) writer.section(`${prefix}.${key}`, examples[key]);
  writer.section(`${prefix}.values`, examples.values);
  writer.section(`${prefix}.contexts`, examples.contexts);
}

function readExamples(file: ShardFile, prefix: string): FeatureExamples | undefined {
  if (!file.has(`${prefix}.perFeature`)) return undefined;
  return {
    perFeature: file.read(`${prefix}.perFeature`, Int32Array)[0],
    offsets: file.read(`${prefix}.offsets`, Int32Array),
    windows: file.read(`${prefix}.windows`, Int32Array),
    positions: file.read(`${prefix}.positions`, Int32Array),
    values: file.read(`${prefix}.values`, Float32Array),
    contexts: file.read(`${prefix}.contexts`, Uint16Array),
  };
}

/** Reads back one SAE's accumulators from a shard file. */
export function readSaeState(file: ShardFile, index: number): SaeState {
  const prefix = `sae ${index}`;
  const read = (name: string) => file.read(`${prefix} ${name}`, Float64Array);
  const sketch = {
    offsets: file.read(`${prefix} features.sketch.offsets`, Int32Array),
    buckets: file.read(`${prefix} features.sketch.buckets`, Int32Array),
    counts: read('features.sketch.counts'),
  };
  const positions = {
    windows: read('positions.windows'),
    squaredErrors: read('positions.squaredErrors'),
    norms: read('positions.norms'),
    activations: readMoments(file, `${prefix} positions.activations`),
    cleanLosses: readMoments(file, `${prefix} positions.cleanLosses`),
    splicedLosses: readMoments(file, `${prefix} positions.splicedLosses`),
  };
  const values = read('summary.scalars');
  const scalars = Object.fromEntries(SUMMARY_SCALARS.map((key, k) => [key, values[k]])) as Record<(typeof SUMMARY_SCALARS)[number], number>;
  const shift = read('summary.shift');
  const summary = {
    tokens: scalars.tokens,
    squaredErrors: scalars.squaredErrors,
    cosines: scalars.cosines,
    shift: shift.length === 0 ? undefined : shift,
    shiftedSums: read('summary.shiftedSums'),
    shiftedSquares: scalars.shiftedSquares,
    losses: { count: scalars.lossCount, clean: scalars.clean, spliced: scalars.spliced, zero: scalars.zero },
  };
  const features = { moments: readMoments(file, `${prefix} features.moments`), max: read('features.max'), sketch };
  const examples = readExamples(file, `${prefix} examples`);
  return examples ? { features, positions, summary, examples } : { features, positions, summary };
}

/** The tokens of the windows a shard's examples point at: ids, valid lengths and the tokens back to back. */
export function writeWindowTokens(writer: ShardWriter, windows: Map<number, Int32Array>): void {
  const ids = [...windows.keys()].sort((a, b) => a - b);
  writer.section('windows.ids', Int32Array.from(ids));
  writer.section('windows.lengths', Int32Array.from(ids, (id) => windows.get(id)!.length));
  const tokens = new Int32Array(ids.reduce((total, id) => total + windows.get(id)!.length, 0));
  let offset = 0;
  for (const id of ids) {
    tokens.set(windows.get(id)!, offset);
    offset += windows.get(id)!.length;
  }
  writer.section('windows.tokens', tokens);
}

/** The tokens of those of the shard's windows that `wanted` names. */
export function readWindowTokens(file: ShardFile, wanted: ReadonlySet<number>): Map<number, Int32Array> {
  const ids = file.read('windows.ids', Int32Array);
  const lengths = file.read('windows.lengths', Int32Array);
  const tokens = file.read('windows.tokens', Int32Array);
  const result = new Map<number, Int32Array>();
  let offset = 0;
  ids.forEach((id, k) => {
    if (wanted.has(id)) result.set(id, tokens.slice(offset, offset + lengths[k]));
    offset += lengths[k];
  });
  return result;
}
