import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { openDatabase } from '../../src-main/store/database.js';
import { createRun, setRunState } from '../../src-main/store/runs.js';
import { RUN_SETTINGS, storeFinishedRun } from '../helpers/runs.js';
import { sampleExport } from '../engine/stats/sample-stats.js';

afterEach(() => vi.restoreAllMocks());

const scratch = () => mkdtempSync(join(tmpdir(), 'cli-refusals-'));

describe('the CLI names the file and the cause', () => {
  it('a garbage --db', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'studio.db'), 'garbage '.repeat(600));
    const { code, errors } = await runCli(['runs', '--db', join(dir, 'studio.db')]);
    expect(code).toBe(1);
    expect(errors).toBe(`Error: Cannot open the database ${join(dir, 'studio.db')}: the file is not an SQLite database.`);
  });

  it('an --out in a folder that does not exist', async () => {
    const dir = scratch();
    const databasePath = join(dir, 'studio.db');
    const runId = storeFinishedRun(databasePath, sampleExport(false));
    const out = join(dir, 'nowhere', 'stats.json');
    const { code, errors } = await runCli(['export', runId, '--out', out, '--db', databasePath]);
    expect(code).toBe(1);
    expect(errors).toBe(`Error: Cannot write ${out}: its folder does not exist.`);
  });

  it('--quantile-buckets far past what memory holds, before any run starts', async () => {
    const dir = scratch();
    const args = ['analyze', '--model', dir, '--sae', dir, '--dataset', dir, '--db', join(dir, 'studio.db'), '--quantile-buckets', '1000000000'];
    const { code, output, errors } = await runCli(args);
    expect(code).toBe(1);
    expect(output).toBe('');
    expect(errors).toBe("Error: --quantile-buckets must be a number from 2 to 8192, not '1000000000'.");
  });

  it('inspect answers a spreadsheet as an unsupported file type', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'data.xlsx'), 'PK\x03\x04');
    const { code, errors } = await runCli(['inspect', join(dir, 'data.xlsx')]);
    expect(code).toBe(1);
    expect(errors).toBe('Error: data.xlsx is not a dataset format SAE Studio reads: use .jsonl, .csv, .tsv, .parquet or .txt.');
  });

  it('export refuses a run that has not finished, naming its state', async () => {
    const dir = scratch();
    const databasePath = join(dir, 'studio.db');
    const db = openDatabase(databasePath);
    const run = setRunState(db, createRun(db, 'statistics', RUN_SETTINGS).id, 'failed', 'boom');
    db.close();
    for (const command of [['export', run.id, '--out', join(dir, 'x.json')], ['figures', run.id, '--out', dir]]) {
      const { code, errors } = await runCli([...command, '--db', databasePath]);
      expect(code).toBe(1);
      expect(errors).toBe(`Error: Run '${run.id}' has no results: it is failed, not finished.`);
      vi.restoreAllMocks();
    }
  });
});
