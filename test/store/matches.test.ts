import { describe, expect, it } from 'vitest';
import { matchPair } from '../../src-main/engine/compare/match.js';
import { DEFAULT_MATCH_SETTINGS } from '../../src-main/engine/compare/types.js';
import { openDatabase } from '../../src-main/store/database.js';
import { createRun, setRunState } from '../../src-main/store/runs.js';
import { loadMatch, loadMatchPair, saveMatchPair, saveMatchSaes } from '../../src-main/store/matches.js';
import { gaussianRows, saeWithDecoder } from '../engine/compare/reference.js';

function insertRun(db: ReturnType<typeof openDatabase>): string {
  return createRun(db, 'match', { ...DEFAULT_MATCH_SETTINGS, saes: ['a', 'b'] }).id;
}

describe('match store', () => {
  it('keeps a pair whole and lays its blob out as the header says', async () => {
    const match = await matchPair(saeWithDecoder(gaussianRows(12, 5, 1), 'a'), saeWithDecoder(gaussianRows(30, 5, 2), 'b'), { ...DEFAULT_MATCH_SETTINGS, device: 'cpu' });
    const db = openDatabase(':memory:');
    const id = insertRun(db);
    saveMatchSaes(db, id, [{ ...match.a, zeroNorm: 0 }, { ...match.b, zeroNorm: 0 }]);
    saveMatchPair(db, id, { k: 0, l: 1, match });
    expect(() => loadMatchPair(db, id, 0, 1)).toThrow('not finished');
    setRunState(db, id, 'finished');
    const loaded = loadMatchPair(db, 'latest', 0, 1);
    expect(Array.from(loaded.aToB.index)).toEqual(Array.from(match.aToB.index));
    expect(Array.from(loaded.bToA.cosine)).toEqual(Array.from(match.bToA.cosine));
    expect(Array.from(loaded.assignment.bIndex)).toEqual(Array.from(match.assignment.bIndex));
    expect(loaded.assignment.optimal).toBe(true);
    expect(loaded.splits.children).toEqual(match.splits.children);
    expect(loaded.summary).toEqual(match.summary);
    // The blob's first array is A → B's indices, int32 little-endian, as migration 006 documents.
    const { data } = db.prepare('SELECT data FROM match_pairs').get() as { data: Buffer };
    expect(data.readInt32LE(4)).toBe(match.aToB.index[1]);
    const stored = loadMatch(db, id);
    expect(stored.saes.map((sae) => sae.featureCount)).toEqual([12, 30]);
    expect(stored.matrices.top1Median[0]![1]).toBe(match.summary.aToB.median);
    expect(stored.matrices.top1Median[1]![0]).toBe(match.summary.bToA.median);
  });

  it('says when a match has no results or lacks a pair', () => {
    const db = openDatabase(':memory:');
    const id = insertRun(db);
    setRunState(db, id, 'finished');
    expect(() => loadMatch(db, id)).toThrow(`Match '${id}' has no results: it has not started.`);
    expect(() => loadMatchPair(db, id, 0, 1)).toThrow(`Match '${id}' has no pair 0 → 1.`);
  });
});
