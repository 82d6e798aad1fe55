import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SafetensorsFile,
  float16ToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
  writeSafetensors,
} from '../../../src-main/engine/model/safetensors.js';
import { SAFETENSORS_FIXTURES, safetensorsBytes } from './fixtures.js';

const opened: SafetensorsFile[] = [];
afterEach(() => opened.splice(0).forEach((file) => file.close()));

function temporaryFile(name = 'model.safetensors'): string {
  return join(mkdtempSync(join(tmpdir(), 'safetensors-')), name);
}

function open(path: string): SafetensorsFile {
  const file = SafetensorsFile.open(path);
  opened.push(file);
  return file;
}

describe('float16 and bfloat16 bit patterns', () => {
  const float16Cases: [number, number][] = [
    [1, 0x3c00],
    [-2.5, 0xc100],
    [65504, 0x7bff],
    [2 ** -24, 0x0001],
    [2 ** -14, 0x0400],
    [-0, 0x8000],
    [Infinity, 0x7c00],
    [1e6, 0x7c00],
    [2 ** -26, 0x0000],
  ];

  it.each(float16Cases)('encodes %d as float16 %i', (value, bits) => {
    expect(float32ToFloat16Bits(value)).toBe(bits);
  });

  it('decodes float16 bits, subnormals included', () => {
    const decoded = float16ToFloat32(new Uint16Array([0x3c00, 0xc100, 0x7bff, 0x0001, 0x03ff, 0xfc00, 0x7e00]));
    expect([...decoded.slice(0, 6)]).toEqual([1, -2.5, 65504, 2 ** -24, 1023 * 2 ** -24, -Infinity]);
    expect(decoded[6]).toBeNaN();
  });

  it('rounds float16 ties to even', () => {
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00);
  });

  it('encodes bfloat16 with rounding to nearest even', () => {
    expect(float32ToBfloat16Bits(1)).toBe(0x3f80);
    expect(float32ToBfloat16Bits(-2.5)).toBe(0xc020);
    expect(float32ToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80);
    expect(float32ToBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(float32ToBfloat16Bits(NaN) & 0x7fc0).toBe(0x7fc0);
  });
});

describe('SafetensorsFile', () => {
  const values = new Float32Array([1, -2.5, 0.1, 65504, 2 ** -24, -0.333]);

  it('round-trips F32 exactly with metadata and shapes', () => {
    const path = temporaryFile();
    writeSafetensors(path, { a: { shape: [2, 3], data: values }, b: { shape: [1], data: new Float32Array([7]) } }, { format: 'pt' });
    const file = open(path);
    expect(file.tensorNames()).toEqual(['a', 'b']);
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(file.describe('a')).toEqual({ dtype: 'F32', shape: [2, 3] });
    expect(file.read('a')).toEqual(values);
    expect(file.read('b')).toEqual(new Float32Array([7]));
    expect(file.has('c')).toBe(false);
  });

  it.each(['F16', 'BF16'] as const)('round-trips %s within its precision', (dtype) => {
    const path = temporaryFile();
    writeSafetensors(path, { a: { shape: [6], data: values, dtype } });
    const file = open(path);
    expect(file.describe('a').dtype).toBe(dtype);
    expect(file.metadata).toEqual({});
    const tolerance = dtype === 'F16' ? 2 ** -11 : 2 ** -8;
    file.read('a').forEach((read, i) => expect(Math.abs(read - values[i])).toBeLessThanOrEqual(Math.abs(values[i]) * tolerance));
  });

  it('reads F16 values from the exact bytes a writer produced', () => {
    const path = temporaryFile();
    const data = Buffer.from(new Uint16Array([0x3c00, 0xc100, 0x7bff, 0x0001]).buffer);
    writeFileSync(path, safetensorsBytes({ x: { dtype: 'F16', shape: [4], data_offsets: [0, 8] } }, data));
    expect([...open(path).read('x')]).toEqual([1, -2.5, 65504, 2 ** -24]);
  });

  it('refuses a folder', () => {
    const folder = mkdtempSync(join(tmpdir(), 'safetensors-'));
    expect(() => SafetensorsFile.open(folder)).toThrowError(/: it is a folder, not a file\.$/);
  });

  it('pads the header so tensor data starts on an 8-byte boundary', () => {
    const path = temporaryFile();
    writeSafetensors(path, { odd: { shape: [1], data: new Float32Array([3]) } });
    const headerBytes = Number(readFileSync(path).readBigUInt64LE(0));
    expect(headerBytes % 8).toBe(0);
  });
});

describe('broken safetensors files', () => {
  it.each(SAFETENSORS_FIXTURES)('$name', (fixture) => {
    const path = temporaryFile();
    writeFileSync(path, fixture.bytes);
    if (fixture.sparseSize) truncateSync(path, fixture.sparseSize);
    const attempt = () => {
      const file = open(path);
      if (fixture.read) file.read(fixture.read);
    };
    try {
      expect(attempt).toThrowError(expect.objectContaining({ name: 'InputError', message: fixture.message, file: path }));
    } finally {
      rmSync(path);
    }
  });
});

describe('integer tensors', () => {
  it.each([
    ['I32', new Int32Array([7, -3]).buffer],
    ['I64', new BigInt64Array([7n, -3n]).buffer],
    ['I16', new Int16Array([7, -3]).buffer],
    ['I8', new Int8Array([7, -3]).buffer],
    ['F64', new Float64Array([7, -3]).buffer],
  ] as const)('reads %s values as numbers', (dtype, buffer) => {
    const path = temporaryFile();
    writeFileSync(path, safetensorsBytes({ k: { dtype, shape: [2], data_offsets: [0, buffer.byteLength] } }, new Uint8Array(buffer)));
    expect(Array.from(open(path).read('k'))).toEqual([7, -3]);
  });
});
