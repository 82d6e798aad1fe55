import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src-main/api/contract.js';
import { runFacts } from '../../../src-renderer/state/run-summary.js';
import { RUN_SETTINGS } from '../../helpers/runs.js';

const run = { id: 'ab12cd34', kind: 'statistics', state: 'finished', settings: { ...RUN_SETTINGS, samples: 5000 }, createdAt: '2026-12-02T10:00:00.000Z', finishedAt: '2026-12-02T10:02:05.000Z', stages: [] } as unknown as RunRecord;

describe('runFacts', () => {
  it('names the run id, windows used of those requested, resolved context, device and duration', () => {
    expect(runFacts({ ...run, windows: 137, context: 128, device: 'cpu' })).toBe('run ab12cd34 · 137 of 5000 windows · context 128 · ran on cpu · took 2 min 5 s');
  });

  it('says only the id while a run has measured nothing yet', () => {
    expect(runFacts({ ...run, state: 'running', finishedAt: undefined })).toBe('run ab12cd34');
  });
});
