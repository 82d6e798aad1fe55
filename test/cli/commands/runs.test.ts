import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunSettings } from '../../../src-main/shared/settings/run-settings.js';
import { openDatabase } from '../../../src-main/store/database.js';
import { createRun, setRunState } from '../../../src-main/store/runs.js';
import { runCli } from '../../helpers/cli.js';
import { RUN_SETTINGS } from '../../helpers/runs.js';

const SETTINGS: RunSettings = { ...RUN_SETTINGS, model: '/models/gpt2-small', saes: ['/saes/a', '/saes/b'], samples: 64, batchSize: 4 };

let folder: string;
let databasePath: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sae-cli-runs-'));
  databasePath = join(folder, 'studio.db');
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(folder, { recursive: true, force: true });
});

describe('sae-studio runs', () => {
  it('says so when there are no runs', async () => {
    expect(await runCli(['runs', '--db', databasePath])).toEqual({ code: 0, output: 'There are no runs yet.', errors: '' });
  });

  it('lists runs newest first with their state and message, without changing them', async () => {
    const db = openDatabase(databasePath);
    const older = setRunState(db, createRun(db, 'statistics', SETTINGS).id, 'failed', 'The model folder has no config.json.');
    const newer = setRunState(db, createRun(db, 'statistics', { ...SETTINGS, samples: 8 }).id, 'running');
    db.close();
    const { code, output } = await runCli(['runs', '--db', databasePath]);
    const [header, first, second] = output.split('\n');
    expect(code).toBe(0);
    expect(header.split(/\s+/)).toEqual(['ID', 'KIND', 'STATE', 'CREATED', 'MODEL', 'SAES', 'SAMPLES', 'DEVICE', 'MESSAGE']);
    expect(first).toMatch(new RegExp(`^${newer.id}\\s+statistics\\s+running\\s+\\S+ \\S+\\s+gpt2-small\\s+2\\s+8$`));
    expect(second).toMatch(new RegExp(`^${older.id}\\s+statistics\\s+failed\\s+.*64\\s+The model folder has no config\\.json\\.$`));
  });
});
