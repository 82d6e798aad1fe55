import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { constants, inflateRawSync } from 'node:zlib';
import { InputError } from '../../shared/errors.js';
import { openReadable } from '../files.js';
import { float16ToFloat32, requireFinite } from '../model/safetensors.js';
import { displayName } from './files.js';

/** Where one member of the zip lives. */
interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  headerOffset: number;
}

/** A .npy array's description; data is little-endian and C-ordered. */
export interface NpyInfo {
  dtype: NpyDtype;
  shape: number[];
}

const NPY_DTYPES = ['<f4', '<f2', '<f8'] as const;
export type NpyDtype = (typeof NPY_DTYPES)[number];
const ITEM_BYTES: Record<NpyDtype, number> = { '<f4': 4, '<f2': 2, '<f8': 8 };

const STORED = 0;
const DEFLATED = 8;
const END_RECORD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_END_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const END_RECORD_BYTES = 22;
// The end record may trail a comment of up to 65535 bytes.
const END_SEARCH_BYTES = END_RECORD_BYTES + 0xffff;
const ZIP64_MARK = 0xffffffff;
const NPY_MAGIC = '\x93NUMPY';
// Headers are padded to a few dozen bytes; this covers any real shape.
const NPY_HEADER_PEEK_BYTES = 4096;
// A JavaScript typed array holds at most this many bytes; a larger array cannot be read whole anyway.
const MAX_ARRAY_BYTES = 2 ** 31;

/** A NumPy .npz archive (a zip of .npy files), read member by member so only the array asked for is in memory. */
export class NpzFile {
  readonly path: string;
  #descriptor: number | undefined;
  #entries: Map<string, ZipEntry>;

  private constructor(path: string, descriptor: number, entries: Map<string, ZipEntry>) {
    this.path = path;
    this.#descriptor = descriptor;
    this.#entries = entries;
  }

  static open(path: string): NpzFile {
    const descriptor = openArchive(path);
    try {
      return new NpzFile(path, descriptor, readDirectory(descriptor, path));
    } catch (error) {
      closeSync(descriptor);
      throw error;
    }
  }

  /** Array names without the .npy suffix, as numpy.load shows them. */
  arrayNames(): string[] {
    return [...this.#entries.keys()];
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** The shape and dtype from the member's first bytes only, checked against the member's declared size. */
  describe(name: string): NpyInfo {
    const { info, dataOffset } = parseNpy(this.#member(name, NPY_HEADER_PEEK_BYTES), this.#location(name));
    this.#checkSize(name, info, dataOffset);
    return info;
  }

  read(name: string): Float32Array {
    this.describe(name);
    const bytes = this.#member(name);
    const { info, dataOffset } = parseNpy(bytes, this.#location(name));
    const byteCount = elementCount(info.shape) * ITEM_BYTES[info.dtype];
    const data = bytes.subarray(dataOffset, dataOffset + byteCount);
    if (data.byteLength < byteCount) {
      throw new InputError(`Array '${name}' in ${displayName(this.path)} is shorter than its shape [${info.shape.join(', ')}].`, this.path);
    }
    return requireFinite(toFloat32(data, info.dtype), `Array '${name}' in ${displayName(this.path)}`, this.path);
  }

  #checkSize(name: string, info: NpyInfo, dataOffset: number): void {
    const needed = dataOffset + elementCount(info.shape) * ITEM_BYTES[info.dtype];
    const declared = this.#entries.get(name)!.size;
    if (needed <= declared && needed <= MAX_ARRAY_BYTES) return;
    const shape = `[${info.shape.join(', ')}]`;
    const why = needed > declared ? `its zip entry holds only ${declared} bytes` : `SAE Studio reads arrays of at most ${MAX_ARRAY_BYTES} bytes`;
    throw new InputError(`Array '${name}' in ${displayName(this.path)} declares shape ${shape} of ${info.dtype}, ${needed} bytes, but ${why}.`, this.path);
  }

  close(): void {
    if (this.#descriptor !== undefined) closeSync(this.#descriptor);
    this.#descriptor = undefined;
  }

  #location(name: string): NpyLocation {
    return { label: `array '${name}' in ${displayName(this.path)}`, file: this.path };
  }

  /** The member's bytes; with a limit, only about that many from its start (inflating only what they need). */
  #member(name: string, limit?: number): Uint8Array {
    const entry = this.#entries.get(name);
    if (!entry) throw new InputError(`${displayName(this.path)} has no array '${name}' (it has ${this.arrayNames().join(', ')}).`, this.path);
    if (this.#descriptor === undefined) throw new Error(`${this.path} was read after it was closed.`);
    return memberBytes(this.#descriptor, { entry, path: this.path, limit });
  }
}

function elementCount(shape: number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

function openArchive(path: string): number {
  const descriptor = openReadable(path);
  if (!fstatSync(descriptor).isFile()) {
    closeSync(descriptor);
    throw new InputError(`${displayName(path)} is a folder, not an .npz file.`, path);
  }
  return descriptor;
}

/** Up to `length` bytes from `position`; fewer (none for a position no file can have) where the file ends first. */
function readBytes(descriptor: number, position: number, length: number): Buffer {
  if (!Number.isSafeInteger(position) || position < 0 || position > fstatSync(descriptor).size) return Buffer.alloc(0);
  const buffer = Buffer.alloc(Math.min(length, fstatSync(descriptor).size - position));
  let done = 0;
  while (done < buffer.length) {
    const count = readSync(descriptor, buffer, done, buffer.length - done, position + done);
    if (count === 0) break;
    done += count;
  }
  return buffer.subarray(0, done);
}

function readDirectory(descriptor: number, path: string): Map<string, ZipEntry> {
  const { offset, size, count } = locateDirectory(descriptor, path);
  // Size fields are checked against the file before anything is allocated for them.
  if (offset + size > fstatSync(descriptor).size || count > size / 46) {
    throw new InputError(`${displayName(path)} has a damaged zip directory: its size fields point past the end of the file.`, path);
  }
  const directory = readBytes(descriptor, offset, size);
  const entries = new Map<string, ZipEntry>();
  let cursor = 0;
  for (let i = 0; i < count; i++) {
    if (cursor + 46 > directory.length || directory.readUInt32LE(cursor) !== CENTRAL_SIGNATURE) {
      throw new InputError(`${displayName(path)} has a damaged zip directory.`, path);
    }
    const { entry, next } = parseCentralEntry(directory, cursor, path);
    if (entry.name.endsWith('.npy')) entries.set(entry.name.slice(0, -4), entry);
    cursor = next;
  }
  return entries;
}

function locateDirectory(descriptor: number, path: string): { offset: number; size: number; count: number } {
  const fileSize = fstatSync(descriptor).size;
  const tailStart = Math.max(0, fileSize - END_SEARCH_BYTES);
  const tail = readBytes(descriptor, tailStart, fileSize - tailStart);
  const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + END_RECORD_BYTES > tail.length || tail.readUInt32LE(end) !== END_RECORD_SIGNATURE) {
    throw new InputError(`${displayName(path)} is not a zip archive, so not an .npz file.`, path);
  }
  const record = { count: tail.readUInt16LE(end + 10), size: tail.readUInt32LE(end + 12), offset: tail.readUInt32LE(end + 16) };
  const locator = end - 20;
  if (locator >= 0 && tail.readUInt32LE(locator) === ZIP64_LOCATOR_SIGNATURE) return readZip64End(descriptor, Number(tail.readBigUInt64LE(locator + 8)), path);
  return record;
}

function readZip64End(descriptor: number, position: number, path: string): { offset: number; size: number; count: number } {
  const record = readBytes(descriptor, position, 56);
  if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_END_SIGNATURE) {
    throw new InputError(`${displayName(path)} has a damaged zip64 end record.`, path);
  }
  return { count: Number(record.readBigUInt64LE(32)), size: Number(record.readBigUInt64LE(40)), offset: Number(record.readBigUInt64LE(48)) };
}

function parseCentralEntry(directory: Buffer, cursor: number, path: string): { entry: ZipEntry; next: number } {
  const nameLength = directory.readUInt16LE(cursor + 28);
  const extraLength = directory.readUInt16LE(cursor + 30);
  const commentLength = directory.readUInt16LE(cursor + 32);
  const extra = directory.subarray(cursor + 46 + nameLength, cursor + 46 + nameLength + extraLength);
  const entry: ZipEntry = {
    name: directory.toString('utf8', cursor + 46, cursor + 46 + nameLength),
    method: directory.readUInt16LE(cursor + 10),
    compressedSize: directory.readUInt32LE(cursor + 20),
    size: directory.readUInt32LE(cursor + 24),
    headerOffset: directory.readUInt32LE(cursor + 42),
  };
  applyZip64Extra(entry, extra, path);
  return { entry, next: cursor + 46 + nameLength + extraLength + commentLength };
}

/** Fields marked 0xFFFFFFFF live in the zip64 extra block, in the order size, compressed size, offset. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer, path: string): void {
  for (let at = 0; at + 4 <= extra.length; at += 4 + extra.readUInt16LE(at + 2)) {
    if (extra.readUInt16LE(at) !== 0x0001) continue;
    let field = at + 4;
    const next = () => {
      if (field + 8 > extra.length) throw new InputError(`${displayName(path)} has a damaged zip64 field for '${entry.name}'.`, path);
      return Number(extra.readBigUInt64LE((field += 8) - 8));
    };
    if (entry.size === ZIP64_MARK) entry.size = next();
    if (entry.compressedSize === ZIP64_MARK) entry.compressedSize = next();
    if (entry.headerOffset === ZIP64_MARK) entry.headerOffset = next();
  }
}

interface MemberRead {
  entry: ZipEntry;
  path: string;
  /** Read only about this many bytes from the member's start. */
  limit?: number;
}

function memberBytes(descriptor: number, { entry, path, limit }: MemberRead): Uint8Array {
  const header = readBytes(descriptor, entry.headerOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE) {
    throw new InputError(`${displayName(path)} has a damaged zip entry '${entry.name}'.`, path);
  }
  const dataStart = entry.headerOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (dataStart + entry.compressedSize > fstatSync(descriptor).size) {
    throw new InputError(`${displayName(path)} is cut short inside '${entry.name}': its size fields point past the end of the file.`, path);
  }
  const stored = readBytes(descriptor, dataStart, limit === undefined ? entry.compressedSize : Math.min(limit, entry.compressedSize));
  if (entry.method === STORED) return stored;
  if (entry.method === DEFLATED) return inflateMember(stored, { entry, path, limit });
  throw new InputError(`${displayName(path)} compresses '${entry.name}' with zip method ${entry.method}; only stored and deflated entries can be read.`, path);
}

/** Inflates at most what the entry declares, so a deflate bomb stops at its declared size; a peek inflates a truncated prefix. */
function inflateMember(stored: Buffer, { entry, path, limit }: MemberRead): Uint8Array {
  const peek = limit !== undefined;
  try {
    const options = { maxOutputLength: Math.max(1, peek ? Math.min(entry.size, limit * 1032) : entry.size), ...(peek ? { finishFlush: constants.Z_SYNC_FLUSH } : {}) };
    return inflateRawSync(stored, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new InputError(`${displayName(path)} inflates '${entry.name}' beyond the ${entry.size} bytes its zip entry declares.`, path);
    throw new InputError(`${displayName(path)} has a corrupt deflated entry '${entry.name}'.`, path);
  }
}

/** Names an array in messages and the file it came from. */
interface NpyLocation {
  label: string;
  file: string;
}

/** Parses the .npy header: magic, version, then a Python dict literal giving descr, fortran_order and shape. */
function parseNpy(bytes: Uint8Array, location: NpyLocation): { info: NpyInfo; dataOffset: number } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 10 || buffer.toString('latin1', 0, 6) !== NPY_MAGIC) throw new InputError(`The ${location.label} is not a .npy array.`, location.file);
  const major = buffer[6];
  const headerLength = major === 1 ? buffer.readUInt16LE(8) : buffer.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = buffer.toString('latin1', headerStart, headerStart + headerLength);
  return { info: parseNpyHeader(header, location), dataOffset: headerStart + headerLength };
}

function parseNpyHeader(header: string, location: NpyLocation): NpyInfo {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) throw new InputError(`The ${location.label} has an unreadable .npy header.`, location.file);
  if (!NPY_DTYPES.includes(descr as NpyDtype)) {
    throw new InputError(`The ${location.label} has data type '${descr}'; supported: ${NPY_DTYPES.join(', ')} (little-endian floats).`, location.file);
  }
  if (fortran === 'True') throw new InputError(`The ${location.label} is stored in Fortran order; save it C-ordered (numpy.ascontiguousarray).`, location.file);
  const sizes = shape.split(',').map((part) => part.trim()).filter((part) => part !== '').map(Number);
  if (!sizes.every((size) => Number.isSafeInteger(size) && size >= 0)) throw new InputError(`The ${location.label} has an unreadable shape (${shape}).`, location.file);
  return { dtype: descr as NpyDtype, shape: sizes };
}

function toFloat32(data: Uint8Array, dtype: NpyDtype): Float32Array {
  // Copy first: an array's data rarely starts at an offset aligned for typed-array views.
  const aligned = new Uint8Array(data);
  if (dtype === '<f4') return new Float32Array(aligned.buffer);
  if (dtype === '<f2') return float16ToFloat32(new Uint16Array(aligned.buffer));
  return Float32Array.from(new Float64Array(aligned.buffer));
}
