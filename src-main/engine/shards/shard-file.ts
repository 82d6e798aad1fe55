import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { InputError } from '../../shared/errors.js';
import { fileError } from '../files.js';
import type { ShardSelection } from './block.js';
import type { Fingerprint } from './fingerprint.js';

/**
 * A shard file, little-endian:
 *   "SAESHARD" · total length (uint64) · header length (uint32) · header JSON ·
 *   sections, each: name length (uint32) · name · type (uint8) · element count (uint64) · elements ·
 *   sha256 of every byte from the header length on.
 * The total length up front tells a truncated file from a whole one; the checksum at the end catches any damage.
 */
const MAGIC = Buffer.from('SAESHARD', 'latin1');
const PREAMBLE_BYTES = 16;
const CHECKSUM_BYTES = 32;
const READ_CHUNK_BYTES = 4 << 20;

export const SHARD_KINDS = ['statistics', 'residual', 'correlate'] as const;
export type ShardKind = (typeof SHARD_KINDS)[number];

/** What a shard file says about itself: the job, which block of which run, where and how long it ran, and its inputs. */
export interface ShardHeader {
  kind: ShardKind;
  runId: string;
  shard: ShardSelection;
  host: string;
  elapsedMs: number;
  /** Its block of windows, first … end − 1, out of `total` (S) in the whole run. */
  windows: { first: number; end: number; total: number };
  settings: Record<string, unknown>;
  fingerprint: Fingerprint;
  /** What the kind needs to rebuild its accumulators, e.g. each SAE's hook and sizes. */
  details: Record<string, unknown>;
}

export type SectionArray = Float64Array | Float32Array | Int32Array | Uint16Array;
const SECTION_TYPES = [Float64Array, Float32Array, Int32Array, Uint16Array] as const;

function typeCode(array: SectionArray): number {
  return SECTION_TYPES.findIndex((type) => array instanceof type);
}

function bytesOf(array: SectionArray): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** Writes a shard file section by section, so no more than one section's bytes are ever copied; a file appears only once whole. */
export class ShardWriter {
  readonly path: string;
  #partial: string;
  #descriptor: number;
  #hash: Hash = createHash('sha256');
  #length = 0;
  #open = true;

  constructor(path: string, header: ShardHeader) {
    this.path = path;
    this.#partial = `${path}.partial`;
    try {
      this.#descriptor = openSync(this.#partial, 'w');
    } catch (error) {
      throw fileError(path, 'write', error);
    }
    this.#raw(Buffer.concat([MAGIC, Buffer.alloc(8)]));
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    this.#hashed(uint32(json.length));
    this.#hashed(json);
  }

  section(name: string, array: SectionArray): void {
    const nameBytes = Buffer.from(name, 'utf8');
    const description = Buffer.alloc(9);
    description.writeUInt8(typeCode(array), 0);
    description.writeBigUInt64LE(BigInt(array.length), 1);
    this.#hashed(Buffer.concat([uint32(nameBytes.length), nameBytes, description]));
    this.#hashed(bytesOf(array));
  }

  /** Appends the checksum, fills in the total length and moves the file into place. */
  close(): void {
    this.#raw(this.#hash.digest());
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(this.#length));
    writeSync(this.#descriptor, length, 0, 8, MAGIC.length);
    this.#open = false;
    closeSync(this.#descriptor);
    renameSync(this.#partial, this.path);
  }

  /** Drops a file whose writing failed part-way. */
  abandon(): void {
    if (this.#open) closeSync(this.#descriptor);
    this.#open = false;
    rmSync(this.#partial, { force: true });
  }

  #hashed(bytes: Buffer): void {
    this.#hash.update(bytes);
    this.#raw(bytes);
  }

  #raw(bytes: Buffer): void {
    try {
      for (let written = 0; written < bytes.length; ) written += writeSync(this.#descriptor, bytes, written);
    } catch (error) {
      throw fileError(this.path, 'write', error);
    }
    this.#length += bytes.length;
  }
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
}

interface SectionEntry {
  type: number;
  length: number;
  /** Byte offset of its first element in the file. */
  offset: number;
}

/** An opened, checked shard file: its header, and its sections read one at a time on demand. */
export class ShardFile {
  readonly path: string;
  readonly header: ShardHeader;
  #descriptor: number;
  #sections: Map<string, SectionEntry>;

  private constructor(path: string, descriptor: number, header: ShardHeader, sections: Map<string, SectionEntry>) {
    this.path = path;
    this.#descriptor = descriptor;
    this.header = header;
    this.#sections = sections;
  }

  /** Opens a shard file after checking its length and checksum; a truncated, damaged or foreign file is refused by name. */
  static open(path: string): ShardFile {
    let descriptor: number;
    try {
      descriptor = openSync(path, 'r');
    } catch (error) {
      throw fileError(path, 'read', error);
    }
    try {
      const size = checkLength(path, descriptor);
      checkChecksum(path, descriptor, size);
      const { header, sectionsStart } = readHeader(path, descriptor);
      return new ShardFile(path, descriptor, header, indexSections(path, descriptor, { start: sectionsStart, end: size - CHECKSUM_BYTES }));
    } catch (error) {
      closeSync(descriptor);
      throw error;
    }
  }

  has(name: string): boolean {
    return this.#sections.has(name);
  }

  /** One section's elements, copied into a fresh, aligned array. */
  read<T extends SectionArray>(name: string, type: { new (length: number): T; BYTES_PER_ELEMENT: number }): T {
    const entry = this.#sections.get(name);
    const expected = SECTION_TYPES.indexOf(type as unknown as (typeof SECTION_TYPES)[number]);
    if (!entry || entry.type !== expected) throw new InputError(`The shard file ${this.path} lacks its section '${name}'.`, this.path);
    const array = new type(entry.length);
    readExactly(this.#descriptor, Buffer.from(array.buffer), entry.offset);
    return array;
  }

  close(): void {
    closeSync(this.#descriptor);
  }
}

function readExactly(descriptor: number, target: Buffer, position: number): number {
  let read = 0;
  while (read < target.length) {
    const got = readSync(descriptor, target, read, target.length - read, position + read);
    if (got === 0) break;
    read += got;
  }
  return read;
}

function checkLength(path: string, descriptor: number): number {
  const size = fstatSync(descriptor).size;
  const preamble = Buffer.alloc(PREAMBLE_BYTES);
  const read = readExactly(descriptor, preamble, 0);
  if (read < MAGIC.length || !preamble.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new InputError(`${path} is not a SAE Studio shard file (it does not start with ${MAGIC.toString('latin1')}).`, path);
  }
  const declared = read === PREAMBLE_BYTES ? Number(preamble.readBigUInt64LE(MAGIC.length)) : 0;
  if (declared === 0) throw new InputError(`The shard file ${path} is incomplete: its writer never finished it.`, path);
  if (size < declared) throw new InputError(`The shard file ${path} is truncated: it holds ${size} of its ${declared} bytes.`, path);
  if (size > declared) throw new InputError(`The shard file ${path} is damaged: it holds ${size} bytes, not the ${declared} its header says.`, path);
  return size;
}

function checkChecksum(path: string, descriptor: number, size: number): void {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  for (let position = PREAMBLE_BYTES; position < size - CHECKSUM_BYTES; ) {
    const read = readExactly(descriptor, chunk.subarray(0, Math.min(READ_CHUNK_BYTES, size - CHECKSUM_BYTES - position)), position);
    hash.update(chunk.subarray(0, read));
    position += read;
  }
  const stored = Buffer.alloc(CHECKSUM_BYTES);
  readExactly(descriptor, stored, size - CHECKSUM_BYTES);
  if (!hash.digest().equals(stored)) throw new InputError(`The shard file ${path} is damaged: its sha256 checksum does not match its contents.`, path);
}

function readHeader(path: string, descriptor: number): { header: ShardHeader; sectionsStart: number } {
  const lengthBytes = Buffer.alloc(4);
  readExactly(descriptor, lengthBytes, PREAMBLE_BYTES);
  const json = Buffer.alloc(lengthBytes.readUInt32LE());
  readExactly(descriptor, json, PREAMBLE_BYTES + 4);
  try {
    return { header: JSON.parse(json.toString('utf8')) as ShardHeader, sectionsStart: PREAMBLE_BYTES + 4 + json.length };
  } catch {
    throw new InputError(`The shard file ${path} has a header that is not valid JSON.`, path);
  }
}

function indexSections(path: string, descriptor: number, range: { start: number; end: number }): Map<string, SectionEntry> {
  const sections = new Map<string, SectionEntry>();
  const fixed = Buffer.alloc(4);
  const description = Buffer.alloc(9);
  for (let position = range.start; position < range.end; ) {
    readExactly(descriptor, fixed, position);
    const name = Buffer.alloc(fixed.readUInt32LE());
    readExactly(descriptor, name, position + 4);
    readExactly(descriptor, description, position + 4 + name.length);
    const type = description.readUInt8(0);
    const length = Number(description.readBigUInt64LE(1));
    const offset = position + 13 + name.length;
    const bytes = length * (SECTION_TYPES[type]?.BYTES_PER_ELEMENT ?? Number.NaN);
    if (!(offset + bytes <= range.end)) throw new InputError(`The shard file ${path} is damaged: a section runs past its end.`, path);
    sections.set(name.toString('utf8'), { type, length, offset });
    position = offset + bytes;
  }
  return sections;
}
