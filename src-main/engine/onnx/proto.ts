/** A minimal protobuf writer: messages are field lists, measured once and written into one exact-size buffer. */

/** Bytes that are produced only while the final buffer is written, so large tensors are never held twice. */
export interface DeferredBytes {
  byteLength: number;
  writeInto(target: Uint8Array): void;
}

export type Field =
  | { number: number; varint: number }
  | { number: number; float: number }
  | { number: number; bytes: Uint8Array | string | DeferredBytes }
  | { number: number; message: Message };

export type Message = Field[];

const WIRE_VARINT = 0;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;

const encoder = new TextEncoder();

export function encodeMessage(message: Message): Uint8Array {
  const sizes = new Map<Message, number>();
  const target = new Uint8Array(measureMessage(message, sizes));
  const end = writeMessage(message, { target, offset: 0, sizes });
  if (end !== target.length) throw new Error(`Protobuf writer wrote ${end} of ${target.length} bytes.`);
  return target;
}

function measureMessage(message: Message, sizes: Map<Message, number>): number {
  let size = 0;
  for (const field of message) size += measureField(field, sizes);
  sizes.set(message, size);
  return size;
}

function measureField(field: Field, sizes: Map<Message, number>): number {
  const tag = varintSize(field.number * 8);
  if ('varint' in field) return tag + varintSize(field.varint);
  if ('float' in field) return tag + 4;
  const length = 'message' in field ? measureMessage(field.message, sizes) : bytesOf(field.bytes).byteLength;
  return tag + varintSize(length) + length;
}

interface Cursor {
  target: Uint8Array;
  offset: number;
  sizes: Map<Message, number>;
}

function writeMessage(message: Message, cursor: Cursor): number {
  for (const field of message) writeField(field, cursor);
  return cursor.offset;
}

function writeField(field: Field, cursor: Cursor): void {
  if ('varint' in field) {
    writeVarint(cursor, field.number * 8 + WIRE_VARINT);
    writeVarint(cursor, field.varint);
  } else if ('float' in field) {
    writeVarint(cursor, field.number * 8 + WIRE_FIXED32);
    new DataView(cursor.target.buffer, cursor.target.byteOffset).setFloat32(cursor.offset, field.float, true);
    cursor.offset += 4;
  } else if ('message' in field) {
    writeVarint(cursor, field.number * 8 + WIRE_LENGTH);
    writeVarint(cursor, cursor.sizes.get(field.message)!);
    writeMessage(field.message, cursor);
  } else {
    writeBytes(field.number, bytesOf(field.bytes), cursor);
  }
}

function writeBytes(number: number, bytes: Uint8Array | DeferredBytes, cursor: Cursor): void {
  writeVarint(cursor, number * 8 + WIRE_LENGTH);
  writeVarint(cursor, bytes.byteLength);
  const slot = cursor.target.subarray(cursor.offset, cursor.offset + bytes.byteLength);
  if (bytes instanceof Uint8Array) slot.set(bytes);
  else bytes.writeInto(slot);
  cursor.offset += bytes.byteLength;
}

function bytesOf(value: Uint8Array | string | DeferredBytes): Uint8Array | DeferredBytes {
  return typeof value === 'string' ? encoder.encode(value) : value;
}

/** Negative int64 values take ten bytes in two's complement, as protobuf specifies. */
function varintSize(value: number): number {
  if (value < 0) return 10;
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

function writeVarint(cursor: Cursor, value: number): void {
  if (value >= 0 && value < 2 ** 31) return writeSmallVarint(cursor, value);
  let rest = BigInt.asUintN(64, BigInt(value));
  while (rest >= 128n) {
    cursor.target[cursor.offset++] = Number(rest & 127n) | 128;
    rest >>= 7n;
  }
  cursor.target[cursor.offset++] = Number(rest);
}

function writeSmallVarint(cursor: Cursor, value: number): void {
  while (value >= 128) {
    cursor.target[cursor.offset++] = (value & 127) | 128;
    value >>>= 7;
  }
  cursor.target[cursor.offset++] = value;
}
