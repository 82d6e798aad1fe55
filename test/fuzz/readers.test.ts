import fc from 'fast-check';
import { describe, it } from 'vitest';
import { FUZZ_RUNS, READER_PROPERTIES } from './readers.js';

// Generated inputs for every reader: each either reads or refuses with an InputError; nothing else escapes.
describe('readers under generated input', () => {
  // FUZZ_ONLY=parquet (a reader's name) fuzzes that reader alone.
  const chosen = Object.entries(READER_PROPERTIES).filter(([name]) => !process.env.FUZZ_ONLY || name === process.env.FUZZ_ONLY);
  it.each(chosen)('%s', async (_name, property) => {
    await fc.assert(property as fc.IAsyncProperty<unknown[]>, { numRuns: FUZZ_RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined });
  }, 3_600_000);
});
