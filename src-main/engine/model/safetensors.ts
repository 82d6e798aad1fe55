import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { openReadable } from '../files.js';

export const SAFETENSORS_DTYPES = ['F32', 'F16', 'BF16'] as const;
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];
/** How PyTorch configs (torch_dtype, dtype) name each stored data type. */
export const TORCH_DTYPES: Record<SafetensorsDtype, string> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/** What a file may store and we read: the float types, plus the integers and booleans formats keep scalars and buffers in. */
export const STORED_DTYPES = [...SAFETENSORS_DTYPES, 'F64', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'] as const;
export type StoredDtype = (typeof STORED_DTYPES)[number];

export interface TensorInfo {
  dtype: StoredDtype;
  shape: number[];
}

interface TensorEntry extends TensorInfo {
  begin: number;
  end: number;
}

const BYTES_PER_ELEMENT: Record<StoredDtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
const PREFIX_BYTES = 8;
// Real headers are a few MB at most; a larger length means a corrupt or foreign file.
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** A safetensors file whose header is parsed up front and whose tensors are read by byte range on demand. */
export class SafetensorsFile {
  readonly path: string;
  readonly metadata: Record<string, string>;
  #descriptor: number | undefined;
  #entries: Map<string, TensorEntry>;
  #dataStart: number;

  private constructor(path: string, descriptor: number, header: ParsedHeader) {
    this.path = path;
    this.metadata = header.metadata;
    this.#descriptor = descriptor;
    this.#entries = header.entries;
    this.#dataStart = header.dataStart;
  }

  static open(path: string): SafetensorsFile {
    const descriptor = openFile(path);
    try {
      return new SafetensorsFile(path, descriptor, readHeader(descriptor, path));
    } catch (error) {
      closeSync(descriptor);
      throw error;
    }
  }

  tensorNames(): string[] {
    return [...this.#entries.keys()];
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  describe(name: string): TensorInfo {
    const entry = this.#entry(name);
    return { dtype: entry.dtype, shape: [...entry.shape] };
  }

  read(name: string): Float32Array {
    const entry = this.#entry(name);
    const bytes = new Uint8Array(entry.end - entry.begin);
    readFully(this.#openDescriptor(), bytes, this.#dataStart + entry.begin);
    return requireFinite(toFloat32(bytes, entry.dtype), `Tensor '${name}' in ${basename(this.path)}`, this.path);
  }

  close(): void {
    if (this.#descriptor !== undefined) closeSync(this.#descriptor);
    this.#descriptor = undefined;
  }

  #entry(name: string): TensorEntry {
    const entry = this.#entries.get(name);
    if (!entry) throw new InputError(`Tensor '${name}' is not in ${basename(this.path)}.`, this.path);
    return entry;
  }

  #openDescriptor(): number {
    if (this.#descriptor === undefined) throw new Error(`${this.path} was read after it was closed.`);
    return this.#descriptor;
  }
}

interface ParsedHeader {
  metadata: Record<string, string>;
  entries: Map<string, TensorEntry>;
  dataStart: number;
}

function openFile(path: string): number {
  return openReadable(path);
}

function readHeader(descriptor: number, path: string): ParsedHeader {
  const name = basename(path);
  const fileSize = fstatSync(descriptor).size;
  if (fileSize < PREFIX_BYTES) {
    throw new InputError(`${name} is too short to be a safetensors file (${fileSize} bytes).`, path);
  }
  const prefix = Buffer.alloc(PREFIX_BYTES);
  readFully(descriptor, prefix, 0);
  const headerBytes = Number(prefix.readBigUInt64LE(0));
  if (headerBytes > fileSize - PREFIX_BYTES) {
    throw new InputError(`${name} declares a ${headerBytes}-byte header but the file has only ${fileSize} bytes.`, path);
  }
  if (headerBytes > MAX_HEADER_BYTES) {
    throw new InputError(`${name} declares a ${headerBytes}-byte header, more than any safetensors file needs.`, path);
  }
  const text = Buffer.alloc(headerBytes);
  readFully(descriptor, text, PREFIX_BYTES);
  const dataStart = PREFIX_BYTES + headerBytes;
  return parseHeader(parseJson(text, path), { path, dataBytes: fileSize - dataStart, dataStart });
}

function parseJson(text: Buffer, path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text.toString('utf8'));
  } catch {
    throw new InputError(`The header of ${basename(path)} is not valid JSON.`, path);
  }
  if (!isRecord(value)) throw new InputError(`The header of ${basename(path)} is not a JSON object.`, path);
  const repeated = repeatedKey(text.toString('utf8'));
  if (repeated !== undefined) throw new InputError(`The header of ${basename(path)} names '${repeated}' twice; each key must appear once.`, path);
  return value;
}

/** JSON.parse silently keeps the last of repeated keys; this finds the first key repeated within one object of valid JSON. */
export function repeatedKey(json: string): string | undefined {
  const objects: (Set<string> | undefined)[] = [];
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (char === '{') objects.push(new Set());
    else if (char === '[') objects.push(undefined);
    else if (char === '}' || char === ']') objects.pop();
    else if (char === '"') {
      const end = stringEnd(json, i);
      const keys = objects.at(-1);
      if (keys && /^\s*:/.test(json.slice(end + 1, end + 64))) {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      i = end;
    }
  }
  return undefined;
}

function stringEnd(json: string, start: number): number {
  let i = start + 1;
  while (i < json.length && json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
  return i;
}

function parseHeader(json: Record<string, unknown>, layout: { path: string; dataBytes: number; dataStart: number }): ParsedHeader {
  const entries = new Map<string, TensorEntry>();
  for (const [name, raw] of Object.entries(json)) {
    if (name !== '__metadata__') entries.set(name, parseEntry(name, raw, layout));
  }
  checkContiguous(entries, layout);
  return { metadata: parseMetadata(json.__metadata__), entries, dataStart: layout.dataStart };
}

/** The format requires the tensors to tile the data buffer exactly: no overlaps, no holes, nothing after. */
function checkContiguous(entries: Map<string, TensorEntry>, layout: { path: string; dataBytes: number }): void {
  const name = basename(layout.path);
  const sorted = [...entries].sort(([, a], [, b]) => a.begin - b.begin || a.end - b.end);
  let end = 0;
  let previous: string | undefined;
  for (const [tensor, entry] of sorted) {
    if (entry.begin < end) {
      throw new InputError(`Tensors '${previous}' and '${tensor}' in ${name} overlap: both claim bytes ${entry.begin} to ${end}.`, layout.path);
    }
    if (entry.begin > end) {
      const before = previous ? `between tensors '${previous}' and '${tensor}'` : `before tensor '${tensor}'`;
      throw new InputError(`${name} leaves bytes ${end} to ${entry.begin} ${before} unused; safetensors data must be contiguous.`, layout.path);
    }
    end = entry.end;
    previous = tensor;
  }
  if (end < layout.dataBytes) {
    const after = previous ? `after tensor '${previous}'` : 'with no tensors';
    throw new InputError(`${name} has ${layout.dataBytes - end} bytes of data ${after} that no tensor claims.`, layout.path);
  }
}

function parseEntry(name: string, raw: unknown, layout: { path: string; dataBytes: number }): TensorEntry {
  const where = `tensor '${name}' in ${basename(layout.path)}`;
  if (!isRecord(raw) || !isIntegerList(raw.shape) || !isIntegerList(raw.data_offsets) || raw.data_offsets.length !== 2) {
    throw new InputError(`The header entry for ${where} lacks a valid shape or data_offsets.`, layout.path);
  }
  if (!STORED_DTYPES.includes(raw.dtype as StoredDtype)) {
    throw new InputError(`Unsupported data type '${String(raw.dtype)}' for ${where} (supported: ${STORED_DTYPES.join(', ')}).`, layout.path);
  }
  const dtype = raw.dtype as StoredDtype;
  const [begin, end] = raw.data_offsets;
  if (begin > end || end > layout.dataBytes) {
    throw new InputError(`Data offsets [${begin}, ${end}] of ${where} lie outside its ${layout.dataBytes}-byte data buffer.`, layout.path);
  }
  const expected = raw.shape.reduce((product, size) => product * size, 1) * BYTES_PER_ELEMENT[dtype];
  if (end - begin !== expected) {
    throw new InputError(`The ${where} holds ${end - begin} bytes but shape [${raw.shape.join(', ')}] of ${dtype} needs ${expected}.`, layout.path);
  }
  return { dtype, shape: raw.shape, begin, end };
}

function parseMetadata(raw: unknown): Record<string, string> {
  if (!isRecord(raw)) return {};
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, String(value)]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIntegerList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => Number.isSafeInteger(item) && item >= 0);
}

function readFully(descriptor: number, target: Uint8Array, position: number): void {
  let done = 0;
  while (done < target.byteLength) {
    const count = readSync(descriptor, target, done, target.byteLength - done, position + done);
    if (count === 0) throw new Error(`Unexpected end of file at byte ${position + done}.`);
    done += count;
  }
}

/** Typed views of bytes read into a fresh, hence aligned, buffer. */
const NUMBER_VIEWS = {
  F64: (buffer: ArrayBuffer) => new Float64Array(buffer),
  I64: (buffer: ArrayBuffer) => Array.from(new BigInt64Array(buffer), Number),
  I32: (buffer: ArrayBuffer) => new Int32Array(buffer),
  I16: (buffer: ArrayBuffer) => new Int16Array(buffer),
  I8: (buffer: ArrayBuffer) => new Int8Array(buffer),
  U8: (buffer: ArrayBuffer) => new Uint8Array(buffer),
  BOOL: (buffer: ArrayBuffer) => new Uint8Array(buffer),
} as const;

function toFloat32(bytes: Uint8Array, dtype: StoredDtype): Float32Array {
  if (dtype === 'F32') return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  if (dtype === 'F16' || dtype === 'BF16') {
    const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
    return dtype === 'F16' ? float16ToFloat32(halves) : bfloat16ToFloat32(halves);
  }
  return Float32Array.from(NUMBER_VIEWS[dtype](bytes.buffer as ArrayBuffer));
}

/** NaN or infinity in weights makes every statistic meaningless, so a file holding one is refused where it is read. */
export function requireFinite(values: Float32Array, label: string, file: string): Float32Array {
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) continue;
    throw new InputError(`${label} holds ${values[i]} at index ${i}; weights must be finite numbers.`, file);
  }
  return values;
}

let float16Table: Float32Array | undefined;

export function float16ToFloat32(halves: Uint16Array): Float32Array {
  float16Table ??= buildFloat16Table();
  const result = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) result[i] = float16Table[halves[i]];
  return result;
}

function buildFloat16Table(): Float32Array {
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) table[bits] = decodeFloat16(bits);
  return table;
}

function decodeFloat16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function bfloat16ToFloat32(halves: Uint16Array): Float32Array {
  const words = new Uint32Array(halves.length);
  for (let i = 0; i < halves.length; i++) words[i] = halves[i] << 16;
  return new Float32Array(words.buffer);
}

const scratchFloat = new Float32Array(1);
const scratchWord = new Uint32Array(scratchFloat.buffer);

/** Rounds to the nearest float16, ties to even; too large becomes infinity, too small zero. */
export function float32ToFloat16Bits(value: number): number {
  scratchFloat[0] = value;
  const word = scratchWord[0];
  const sign = (word >>> 16) & 0x8000;
  const mantissa = word & 0x7fffff;
  if (((word >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const exponent = ((word >>> 23) & 0xff) - 127 + 15;
  if (exponent >= 0x1f) return sign | 0x7c00;
  if (exponent <= 0) return exponent < -10 ? sign : sign | roundShift(mantissa | 0x800000, 14 - exponent);
  return sign | roundShift((exponent << 23) | mantissa, 13);
}

function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const remainder = value & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  return remainder > halfway || (remainder === halfway && kept & 1) ? kept + 1 : kept;
}

/** Rounds to the nearest bfloat16, ties to even, keeping NaN a NaN. */
export function float32ToBfloat16Bits(value: number): number {
  scratchFloat[0] = value;
  const word = scratchWord[0];
  if (Number.isNaN(value)) return ((word >>> 16) & 0x8000) | 0x7fc0;
  return ((word + 0x7fff + ((word >>> 16) & 1)) >>> 16) & 0xffff;
}

export interface TensorToWrite {
  shape: number[];
  data: Float32Array;
  dtype?: SafetensorsDtype;
}

/** Writes tensors in the order given, converting each to its dtype (F32 unless stated). */
export function writeSafetensors(path: string, tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): void {
  const header = encodeHeader(tensors, metadata);
  const descriptor = openSync(path, 'w');
  try {
    const prefix = Buffer.alloc(PREFIX_BYTES);
    prefix.writeBigUInt64LE(BigInt(header.byteLength));
    writeFully(descriptor, prefix);
    writeFully(descriptor, header);
    for (const tensor of Object.values(tensors)) writeFully(descriptor, encodeTensor(tensor.data, tensor.dtype ?? 'F32'));
  } finally {
    closeSync(descriptor);
  }
}

function writeFully(descriptor: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(descriptor, bytes, done, bytes.byteLength - done);
}

function encodeHeader(tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): Buffer {
  const json: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    const dtype = tensor.dtype ?? 'F32';
    const count = tensor.shape.reduce((product, size) => product * size, 1);
    if (count !== tensor.data.length) throw new Error(`Tensor '${name}' has ${tensor.data.length} values but shape [${tensor.shape}].`);
    const end = offset + count * BYTES_PER_ELEMENT[dtype];
    json[name] = { dtype, shape: tensor.shape, data_offsets: [offset, end] };
    offset = end;
  }
  const text = JSON.stringify(json);
  // Padding the header to 8 bytes keeps the data aligned for readers that map the file.
  return Buffer.from(text + ' '.repeat((8 - (Buffer.byteLength(text) % 8)) % 8));
}

function encodeTensor(data: Float32Array, dtype: SafetensorsDtype): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const convert = dtype === 'F16' ? float32ToFloat16Bits : float32ToBfloat16Bits;
  const halves = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) halves[i] = convert(data[i]);
  return new Uint8Array(halves.buffer);
}
