import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../src-main/api/contract.js';
import { dispatch } from '../../src-main/api/dispatch.js';
import { Studio } from '../../src-main/api/studio.js';
import { CHANNELS } from '../../src-main/api/validate.js';
import { RUN_SETTINGS } from '../helpers/runs.js';

const MATCH = { saes: ['/a', '/b'], by: 'decoder', topK: 4, thresholds: [0.5, 0.7, 0.9], splitThreshold: 0.7, device: 'cpu' };
const EXPORT = { runId: 'a', family: 'density', format: 'svg' };

/** For each channel, payloads that must be refused with the message fragment they must give. */
const MALFORMED: Record<Channel, [unknown, string][]> = {
  'app.info': [[{ extra: 1 }, "unknown field 'extra'"], ['text', 'the request must be an object']],
  'library.list': [[[1, 2], 'the request must be an object']],
  'library.add': [
    [{}, 'paths must be a non-empty list'],
    [{ paths: [] }, 'paths must be a non-empty list'],
    [{ paths: [3] }, 'paths must be a non-empty list'],
  ],
  'library.remove': [[{ id: 7 }, 'id must be a non-empty string, not 7']],
  'runs.list': [[{ all: true }, "unknown field 'all'"]],
  'runs.start': [
    [{}, 'settings must be an object, not nothing'],
    [{ settings: { ...RUN_SETTINGS, samples: 0 } }, 'settings.samples must be a whole number of at least 1, not 0'],
    [{ settings: { ...RUN_SETTINGS, packing: 'zip' } }, 'settings.packing must be one of packed, per-row, not "zip"'],
    [{ settings: { ...RUN_SETTINGS, device: 'tpu' } }, 'settings.device must be one of auto, cuda, webgpu, cpu'],
    [{ settings: { ...RUN_SETTINGS, ce: 'yes' } }, 'settings.ce must be true or false'],
    [{ settings: { ...RUN_SETTINGS, context: 1 } }, 'settings.context must be a whole number of at least 2'],
    [{ settings: { ...RUN_SETTINGS, quantileAccuracy: 0 } }, 'settings.quantileAccuracy must be a number from 0.001 to 0.25, not 0'],
    [{ settings: { ...RUN_SETTINGS, quantileAccuracy: 0.5 } }, 'settings.quantileAccuracy must be a number from 0.001 to 0.25, not 0.5'],
    [{ settings: { ...RUN_SETTINGS, quantileAccuracy: '0.01' } }, 'settings.quantileAccuracy must be a number from 0.001 to 0.25, not "0.01"'],
    [{ settings: { ...RUN_SETTINGS, sample: 3 } }, "unknown field 'settings.sample'"],
    [{ settings: { ...RUN_SETTINGS, examples: -1 } }, 'settings.examples must be a whole number from 0 to 1000, not -1'],
    [{ kind: 'gossip', settings: RUN_SETTINGS }, 'kind must be one of statistics, correlate, generate, steer, residual, inspect-text, match, not "gossip"'],
    [{ kind: 'match', settings: { ...MATCH, topK: 0 } }, 'settings.topK must be a whole number of at least 1, not 0'],
    [{ kind: 'match', settings: { ...MATCH, thresholds: [0.5, 2] } }, 'settings.thresholds must be a non-empty list of numbers from -1 to 1'],
    [{ kind: 'match', settings: { ...MATCH, by: 'both' } }, 'settings.by must be one of decoder, encoder, not "both"'],
  ],
  'runs.cancel': [[{ runId: '' }, 'runId must be a non-empty string']],
  'runs.stats': [[{ run: 'x' }, 'runId must be a non-empty string, not nothing']],
  'runs.residual': [[{ runId: 7 }, 'runId must be a non-empty string, not 7']],
  'runs.inspection': [[{}, 'runId must be a non-empty string, not nothing']],
  'matches.get': [[{}, 'runId must be a non-empty string, not nothing']],
  'matches.pair': [[{ runId: 'a', k: 0, l: 0 }, 'l must be a whole number of at least 1, not 0']],
  'matches.figure': [
    [{ ...EXPORT, pair: { k: -1, l: 1 } }, 'pair.k must be a whole number of at least 0, not -1'],
    [{ ...EXPORT, pair: { k: 0, l: 1, m: 2 } }, "unknown field 'pair.m'"],
  ],
  'runs.correlation': [[{ runId: '' }, 'runId must be a non-empty string, not ""']],
  'runs.steering': [[{}, 'runId must be a non-empty string, not nothing']],
  'runs.generation': [[{ runId: 3 }, 'runId must be a non-empty string, not 3']],
  'figures.export': [
    [{ runId: 'a', family: 'density', format: 'gif' }, 'format must be one of svg, png'],
    [{ ...EXPORT, settings: { fontScale: 0 } }, 'settings.fontScale must be a number from 0.5 to 4, not 0'],
    [{ ...EXPORT, settings: { fontScale: 5 } }, 'settings.fontScale must be a number from 0.5 to 4, not 5'],
    [{ ...EXPORT, output: { scale: 9 } }, 'output.scale must be a number from 0.5 to 8, not 9'],
    [{ ...EXPORT, output: { rasterize: true } }, 'output.rasterize must be one of auto, on, off, not true'],
    [{ ...EXPORT, settings: 'wide' }, 'settings must be an object, not "wide"'],
    [{ ...EXPORT, settings: { layerOpacity: 3 } }, 'settings.layerOpacity must be a number from 0.01 to 1, not 3'],
    [{ ...EXPORT, settings: { densityBins: 2.5 } }, 'settings.densityBins must be a whole number from 2 to 1000, not 2.5'],
    [{ ...EXPORT, settings: { rasterThreshold: -1 } }, 'settings.rasterThreshold must be a whole number from 0 to 1000000000, not -1'],
    [{ ...EXPORT, settings: { panelAspect: '1' } }, 'settings.panelAspect must be a number from 0.1 to 4, not "1"'],
    [{ ...EXPORT, settings: { shareAxes: 1 } }, 'settings.shareAxes must be true or false, not 1'],
    [{ ...EXPORT, settings: { pointSise: 2 } }, "unknown field 'settings.pointSise'"],
    [{ ...EXPORT, fontScale: 2 }, "unknown field 'fontScale'"],
  ],
  'features.saes': [[{}, 'runId must be a non-empty string, not nothing']],
  'features.table': [[{ runId: 'a', sae: -1 }, 'sae must be a whole number of at least 0, not -1']],
  'features.page': [
    [{ runId: 'a', sae: 0 }, 'feature must be a whole number of at least 0, not nothing'],
    [{ runId: 'a', sae: 0, feature: 1.5 }, 'feature must be a whole number of at least 0, not 1.5'],
  ],
  'features.search': [[{ runId: 'a', sae: 0, token: '' }, 'token must be a non-empty string']],
  'features.figure': [[{ runId: 'a', sae: 0, feature: 1 }, 'fontScale must be a number of at least 0.1, not nothing']],
  'cluster.write': [
    [{ settings: RUN_SETTINGS, cluster: { shards: 0 }, folder: '/x' }, 'cluster.shards must be a whole number from 1 to 100000, not 0'],
    [{ settings: RUN_SETTINGS, cluster: { shards: 2, time: '2h' }, folder: '/x' }, 'cluster.time must be a Slurm time limit'],
    [{ settings: { ...RUN_SETTINGS, samples: 0 }, cluster: { shards: 2 }, folder: '/x' }, 'settings.samples must be a whole number of at least 1, not 0'],
    [{ settings: RUN_SETTINGS, cluster: { shards: 2 } }, 'folder must be a non-empty string, not nothing'],
  ],
};

let folder: string;
let studio: Studio;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'sae-api-'));
  studio = new Studio({ databasePath: join(folder, 'studio.db'), host: 'browser', recognizers: [] });
});
afterAll(() => {
  studio.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('dispatch', () => {
  it('has malformed examples for every channel', () => {
    expect(Object.keys(MALFORMED).sort()).toEqual([...CHANNELS].sort());
  });

  for (const channel of CHANNELS) {
    it(`refuses malformed ${channel} payloads with an error reply naming the field`, async () => {
      for (const [payload, fragment] of MALFORMED[channel]) {
        const reply = await dispatch(studio.handlers, channel, payload);
        expect(reply.ok).toBe(false);
        if (!reply.ok) {
          expect(reply.error.message).toContain(`${channel}: ${fragment}`);
          expect(reply.error.details).toBeUndefined();
        }
      }
    });
  }

  it('refuses an unknown channel', async () => {
    expect(await dispatch(studio.handlers, 'runs.delete', {})).toEqual({
      ok: false,
      error: { message: "There is no API channel 'runs.delete'." },
    });
  });

  it('answers a well-formed request', async () => {
    const reply = await dispatch(studio.handlers, 'app.info', {});
    expect(reply).toMatchObject({ ok: true, value: { host: 'browser', databasePath: join(folder, 'studio.db') } });
  });

  it('turns a handler error into an error reply', async () => {
    const reply = await dispatch(studio.handlers, 'runs.cancel', { runId: 'missing' });
    expect(reply).toEqual({ ok: false, error: { message: "There is no run with id 'missing'." } });
  });
});
