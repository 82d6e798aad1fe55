import { writeFileSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';
import { float32ToFloat16Bits } from '../../src-main/engine/model/safetensors.js';

export interface NpyArray {
  shape: number[];
  data: ArrayLike<number>;
  /** '<f4' unless stated; any other text is written verbatim to test refusals. */
  descr?: string;
  fortranOrder?: boolean;
}

export interface NpzWriteOptions {
  /** Deflate each member instead of storing it. */
  deflate?: boolean;
  /** Write the directory as archives over 4 GiB need it: sizes and offsets in zip64 records. */
  zip64Directory?: boolean;
}

/** Encodes one .npy file (format version 1.0), header padded to 64 bytes as numpy does. */
export function encodeNpy(array: NpyArray): Buffer {
  const descr = array.descr ?? '<f4';
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${array.fortranOrder ? 'True' : 'False'}, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), encodeData(array.data, descr)]);
}

function encodeData(data: ArrayLike<number>, descr: string): Buffer {
  if (descr === '<f8' || descr === '>f8') return Buffer.from(Float64Array.from(data).buffer);
  if (descr === '<f2') return Buffer.from(Uint16Array.from(Array.from(data, float32ToFloat16Bits)).buffer);
  return Buffer.from(Float32Array.from(data).buffer);
}

/** Writes a zip of `name.npy` members the way numpy.savez does, local headers carrying zip64 extras. */
export function writeNpz(path: string, arrays: Record<string, NpyArray>, options: NpzWriteOptions = {}): void {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, array] of Object.entries(arrays)) {
    const member = zipMember(`${name}.npy`, encodeNpy(array), options.deflate ?? false);
    central.push(options.zip64Directory ? zip64CentralRecord(member, offset) : centralRecord(member, offset));
    parts.push(member.local, member.stored);
    offset += member.local.length + member.stored.length;
  }
  const directory = Buffer.concat(central);
  const end = options.zip64Directory ? zip64End(central.length, directory.length, offset) : endRecord(central.length, directory.length, offset);
  writeFileSync(path, Buffer.concat([...parts, directory, end]));
}

interface ZipMember {
  name: Buffer;
  stored: Buffer;
  size: number;
  crc: number;
  method: number;
  local: Buffer;
}

function zipMember(fileName: string, data: Buffer, deflate: boolean): ZipMember {
  const name = Buffer.from(fileName);
  const stored = deflate ? deflateRawSync(data) : data;
  const method = deflate ? 8 : 0;
  const extra = Buffer.alloc(20);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(16, 2);
  extra.writeBigUInt64LE(BigInt(data.length), 4);
  extra.writeBigUInt64LE(BigInt(stored.length), 12);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(45, 4);
  local.writeUInt16LE(method, 8);
  local.writeUInt32LE(crc32(data), 14);
  local.writeUInt32LE(0xffffffff, 18);
  local.writeUInt32LE(0xffffffff, 22);
  local.writeUInt16LE(name.length, 26);
  local.writeUInt16LE(extra.length, 28);
  return { name, stored, size: data.length, crc: crc32(data), method, local: Buffer.concat([local, name, extra]) };
}

function centralRecord(member: ZipMember, offset: number): Buffer {
  const record = Buffer.alloc(46);
  record.writeUInt32LE(0x02014b50, 0);
  record.writeUInt16LE(45, 4);
  record.writeUInt16LE(45, 6);
  record.writeUInt16LE(member.method, 10);
  record.writeUInt32LE(member.crc, 16);
  record.writeUInt32LE(member.stored.length, 20);
  record.writeUInt32LE(member.size, 24);
  record.writeUInt16LE(member.name.length, 28);
  record.writeUInt32LE(offset, 42);
  return Buffer.concat([record, member.name]);
}

function endRecord(count: number, size: number, offset: number): Buffer {
  const record = Buffer.alloc(22);
  record.writeUInt32LE(0x06054b50, 0);
  record.writeUInt16LE(count, 8);
  record.writeUInt16LE(count, 10);
  record.writeUInt32LE(size, 12);
  record.writeUInt32LE(offset, 16);
  return record;
}

/** A central record whose sizes and offset all live in its zip64 extra block. */
function zip64CentralRecord(member: ZipMember, offset: number): Buffer {
  const record = centralRecord(member, offset);
  record.writeUInt32LE(0xffffffff, 20);
  record.writeUInt32LE(0xffffffff, 24);
  record.writeUInt32LE(0xffffffff, 42);
  const extra = Buffer.alloc(28);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(24, 2);
  extra.writeBigUInt64LE(BigInt(member.size), 4);
  extra.writeBigUInt64LE(BigInt(member.stored.length), 12);
  extra.writeBigUInt64LE(BigInt(offset), 20);
  record.writeUInt16LE(extra.length, 30);
  return Buffer.concat([record, extra]);
}

/** The zip64 end record and its locator, then a classic end record whose fields say "see zip64". */
function zip64End(count: number, size: number, offset: number): Buffer {
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(size), 40);
  record.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + size), 8);
  locator.writeUInt32LE(1, 16);
  const classic = endRecord(0xffff, 0xffffffff, 0xffffffff);
  return Buffer.concat([record, locator, classic]);
}
