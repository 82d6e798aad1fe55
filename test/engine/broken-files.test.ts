import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInputError } from '../../src-main/shared/errors.js';
import { BROKEN_FILES } from './broken-files.js';

describe('files the operating system refuses', () => {
  it.each(BROKEN_FILES.map((fixture) => [fixture.name, fixture] as const))('%s', async (_name, fixture) => {
    const dir = mkdtempSync(join(tmpdir(), 'broken-file-'));
    const error = await (async () => fixture.use(fixture.build(dir)))().then(() => undefined, (caught: unknown) => caught);
    expect(isInputError(error), String(error)).toBe(true);
    expect((error as Error).message).toBe(fixture.message.replaceAll('$DIR', dir));
  });
});
