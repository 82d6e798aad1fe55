import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShardFile, ShardWriter, type ShardHeader } from '../../../src-main/engine/shards/shard-file.js';

const HEADER: ShardHeader = {
  kind: 'statistics',
  runId: 'r1',
  shard: { index: 1, count: 3 },
  host: 'node-7',
  elapsedMs: 1234,
  windows: { first: 4, end: 8, total: 12 },
  settings: { samples: 12 },
  fingerprint: [{ input: 'the dataset', sha256: 'ab'.repeat(32) }],
  details: {},
};

/** The format written out by hand: magic, total length, header, one section per array, sha256 of all after the first 16 bytes. */
function handMade(header: ShardHeader, sections: [string, number, Buffer, number][]): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const parts: Buffer[] = [Buffer.from([json.length & 0xff, json.length >> 8, 0, 0]), json];
  for (const [name, type, data, count] of sections) {
    parts.push(Buffer.from([name.length, 0, 0, 0]), Buffer.from(name), Buffer.from([type, count, 0, 0, 0, 0, 0, 0, 0]), data);
  }
  const body = Buffer.concat(parts);
  const total = 16 + body.length + 32;
  const preamble = Buffer.concat([Buffer.from('SAESHARD'), Buffer.from([total & 0xff, total >> 8, 0, 0, 0, 0, 0, 0])]);
  return Buffer.concat([preamble, body, createHash('sha256').update(body).digest()]);
}

describe('shard files', () => {
  it('are laid out byte for byte as the format says', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'shard-file-')), 'one.shard');
    const writer = new ShardWriter(path, HEADER);
    writer.section('a', Float64Array.of(1.5, -2));
    writer.section('bb', Int32Array.of(7));
    expect(existsSync(path)).toBe(false);
    writer.close();
    const float64 = Buffer.alloc(16);
    float64.writeDoubleLE(1.5, 0);
    float64.writeDoubleLE(-2, 8);
    const expected = handMade(HEADER, [['a', 0, float64, 2], ['bb', 2, Buffer.from([7, 0, 0, 0]), 1]]);
    expect(readFileSync(path).equals(expected)).toBe(true);
  });

  it('read back hand-made bytes: header and sections', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'shard-file-')), 'hand.shard');
    const halves = Buffer.from([0x00, 0x3c, 0x00, 0xc0]);
    writeFileSync(path, handMade(HEADER, [['h', 3, halves, 2]]));
    const file = ShardFile.open(path);
    expect(file.header).toEqual(HEADER);
    expect(Array.from(file.read('h', Uint16Array))).toEqual([0x3c00, 0xc000]);
    expect(() => file.read('h', Int32Array)).toThrow(`The shard file ${path} lacks its section 'h'.`);
    file.close();
  });

  it('refuse a file whose writer never finished, naming it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'shard-file-')), 'cut.shard');
    const bytes = handMade(HEADER, []);
    bytes.fill(0, 8, 16);
    writeFileSync(path, bytes);
    expect(() => ShardFile.open(path)).toThrow(`The shard file ${path} is incomplete: its writer never finished it.`);
  });

  it('refuse a file with bytes past its declared end', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'shard-file-')), 'long.shard');
    const bytes = handMade(HEADER, []);
    writeFileSync(path, Buffer.concat([bytes, Buffer.from([1, 2])]));
    expect(() => ShardFile.open(path)).toThrow(`The shard file ${path} is damaged: it holds ${bytes.length + 2} bytes, not the ${bytes.length} its header says.`);
  });
});
