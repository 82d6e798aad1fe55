import { closeSync, fstatSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../../../shared/errors.js';
import { openReadable } from '../../files.js';

// Thrift compact protocol type codes (parquet.thrift's encoding of the footer).
const STOP = 0;
const FIXED_BYTES: Record<number, number> = { 1: 0, 2: 0, 3: 1, 7: 8 };
const VARINT_TYPES = new Set([4, 5, 6]);
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;
const MAX_DEPTH = 64;

class Damaged extends Error {}

/** A cursor over the footer's bytes that refuses to read past its end. */
class Cursor {
  offset = 0;
  constructor(readonly bytes: Buffer) {}

  byte(): number {
    if (this.offset >= this.bytes.length) throw new Damaged();
    return this.bytes[this.offset++];
  }

  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      const byte = this.byte();
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new Damaged();
  }

  skip(count: number): void {
    if (count > this.bytes.length - this.offset) throw new Damaged();
    this.offset += count;
  }

  get left(): number {
    return this.bytes.length - this.offset;
  }
}

function skipValue(cursor: Cursor, type: number, depth: number): void {
  if (depth > MAX_DEPTH) throw new Damaged();
  if (type in FIXED_BYTES) return cursor.skip(FIXED_BYTES[type]);
  if (VARINT_TYPES.has(type)) return void cursor.varint();
  if (type === BINARY) return cursor.skip(cursor.varint());
  if (type === STRUCT) return skipStruct(cursor, depth + 1);
  if (type === LIST || type === SET) return skipList(cursor, depth + 1);
  if (type === MAP) return skipMap(cursor, depth + 1);
  throw new Damaged();
}

function skipStruct(cursor: Cursor, depth: number): void {
  for (let header = cursor.byte(); (header & 0x0f) !== STOP; header = cursor.byte()) {
    if (header >> 4 === 0) cursor.varint();
    skipValue(cursor, header & 0x0f, depth);
  }
}

/** Every element takes at least a byte, so a count above the bytes left is a lie that would make a reader allocate it. */
function skipList(cursor: Cursor, depth: number): void {
  const header = cursor.byte();
  const size = header >> 4 === 15 ? cursor.varint() : header >> 4;
  if (size > cursor.left) throw new Damaged();
  const type = header & 0x0f;
  for (let i = 0; i < size; i++) skipValue(cursor, type === 1 || type === 2 ? 3 : type, depth);
}

function skipMap(cursor: Cursor, depth: number): void {
  const size = cursor.varint();
  if (size === 0) return;
  if (size > cursor.left) throw new Damaged();
  const types = cursor.byte();
  for (let i = 0; i < size; i++) {
    skipValue(cursor, types >> 4, depth);
    skipValue(cursor, types & 0x0f, depth);
  }
}

function readFooter(path: string): Buffer | undefined {
  const descriptor = openReadable(path);
  try {
    const size = fstatSync(descriptor).size;
    if (size < 12) return undefined;
    const tail = Buffer.alloc(8);
    readSync(descriptor, tail, 0, 8, size - 8);
    const length = tail.readUInt32LE(0);
    if (tail.toString('latin1', 4) !== 'PAR1' || length > size - 12) return undefined;
    const footer = Buffer.alloc(length);
    readSync(descriptor, footer, 0, length, size - 8 - length);
    return footer;
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Checks the footer's structure before the Parquet reader sees it: a damaged list length there makes the reader
 * allocate an array so large that the whole process aborts, which no try/catch can stop.
 */
export function checkParquetFooter(path: string): void {
  const footer = readFooter(path);
  if (!footer) return;
  try {
    skipStruct(new Cursor(footer), 0);
  } catch (error) {
    if (!(error instanceof Damaged)) throw error;
    throw new InputError(`${basename(path)} could not be read as Parquet: its footer is damaged.`, path);
  }
}
