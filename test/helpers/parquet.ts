import { writeFileSync } from 'node:fs';

/** A column for the minimal writer: strings (UTF8 byte arrays), 64-bit integers or doubles; null marks a missing value. */
export type ParquetColumn =
  | { name: string; type: 'string'; values: (string | null)[] }
  | { name: string; type: 'int64'; values: (number | null)[] }
  | { name: string; type: 'double'; values: (number | null)[] };

// Parquet's enums, as numbered in parquet.thrift.
const PHYSICAL_TYPES = { string: 6, int64: 2, double: 5 } as const;
const OPTIONAL = 1;
const UTF8 = 0;
const PLAIN = 0;
const RLE = 3;
const UNCOMPRESSED = 0;
const DATA_PAGE = 0;

/** A valid Parquet file: one row group, one uncompressed PLAIN page per optional column (no installed package writes Parquet). */
export function writeParquet(path: string, columns: ParquetColumn[]): void {
  const rowCount = columns[0]?.values.length ?? 0;
  const parts: Buffer[] = [Buffer.from('PAR1')];
  let offset = 4;
  const chunks: ThriftStruct[] = [];
  for (const column of columns) {
    const page = encodePage(column);
    chunks.push(columnChunk(column, { offset, size: page.length, rowCount }));
    parts.push(page);
    offset += page.length;
  }
  const footer = encodeStruct(fileMetadata(columns, chunks, { rowCount, size: offset - 4 }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(footer.length);
  writeFileSync(path, Buffer.concat([...parts, footer, length, Buffer.from('PAR1')]));
}

function encodePage(column: ParquetColumn): Buffer {
  const levels = encodeDefinitionLevels(column.values.map((value) => (value === null ? 0 : 1)));
  const values = Buffer.concat(column.values.filter((value) => value !== null).map((value) => encodePlain(column.type, value!)));
  const body = Buffer.concat([levels, values]);
  const header = encodeStruct([
    [1, 'i32', DATA_PAGE],
    [2, 'i32', body.length],
    [3, 'i32', body.length],
    [5, 'struct', [[1, 'i32', column.values.length], [2, 'i32', PLAIN], [3, 'i32', RLE], [4, 'i32', RLE]]],
  ]);
  return Buffer.concat([header, body]);
}

/** RLE/bit-packed hybrid with bit width 1, one run per value, behind its 4-byte length. */
function encodeDefinitionLevels(levels: number[]): Buffer {
  const runs = Buffer.from(levels.flatMap((level) => [2, level]));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(runs.length);
  return Buffer.concat([length, runs]);
}

function encodePlain(type: ParquetColumn['type'], value: string | number): Buffer {
  if (type === 'string') {
    const bytes = Buffer.from(value as string, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length);
    return Buffer.concat([length, bytes]);
  }
  const buffer = Buffer.alloc(8);
  if (type === 'int64') buffer.writeBigInt64LE(BigInt(value));
  else buffer.writeDoubleLE(value as number);
  return buffer;
}

function columnChunk(column: ParquetColumn, place: { offset: number; size: number; rowCount: number }): ThriftStruct {
  const metadata: ThriftStruct = [
    [1, 'i32', PHYSICAL_TYPES[column.type]],
    [2, 'list-i32', [PLAIN, RLE]],
    [3, 'list-binary', [column.name]],
    [4, 'i32', UNCOMPRESSED],
    [5, 'i64', place.rowCount],
    [6, 'i64', place.size],
    [7, 'i64', place.size],
    [9, 'i64', place.offset],
  ];
  return [[2, 'i64', place.offset], [3, 'struct', metadata]];
}

function fileMetadata(columns: ParquetColumn[], chunks: ThriftStruct[], group: { rowCount: number; size: number }): ThriftStruct {
  const root: ThriftStruct = [[4, 'binary', 'schema'], [5, 'i32', columns.length]];
  const leaves = columns.map((column): ThriftStruct => {
    const leaf: ThriftStruct = [[1, 'i32', PHYSICAL_TYPES[column.type]], [3, 'i32', OPTIONAL], [4, 'binary', column.name]];
    return column.type === 'string' ? [...leaf, [6, 'i32', UTF8]] : leaf;
  });
  const rowGroup: ThriftStruct = [[1, 'list-struct', chunks], [2, 'i64', group.size], [3, 'i64', group.rowCount]];
  return [[1, 'i32', 1], [2, 'list-struct', [root, ...leaves]], [3, 'i64', group.rowCount], [4, 'list-struct', [rowGroup]]];
}

// Thrift compact protocol: just the field types the footer and page headers above need.
type ThriftField =
  | [number, 'i32' | 'i64', number]
  | [number, 'binary', string]
  | [number, 'struct', ThriftStruct]
  | [number, 'list-i32', number[]]
  | [number, 'list-binary', string[]]
  | [number, 'list-struct', ThriftStruct[]];
type ThriftStruct = ThriftField[];

const COMPACT_TYPES = { i32: 5, i64: 6, binary: 8, list: 9, struct: 12 } as const;

function encodeStruct(fields: ThriftStruct): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  for (const [id, kind, value] of fields) {
    const type = kind.startsWith('list') ? COMPACT_TYPES.list : COMPACT_TYPES[kind as 'i32' | 'i64' | 'binary' | 'struct'];
    parts.push(Buffer.from([((id - last) << 4) | type]), encodeValue(kind, value));
    last = id;
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function encodeValue(kind: ThriftField[1], value: ThriftField[2]): Buffer {
  if (kind === 'i32' || kind === 'i64') return varint(zigzag(value as number));
  if (kind === 'binary') return binary(value as string);
  if (kind === 'struct') return encodeStruct(value as ThriftStruct);
  const items = value as unknown[];
  const element = kind === 'list-i32' ? COMPACT_TYPES.i32 : kind === 'list-binary' ? COMPACT_TYPES.binary : COMPACT_TYPES.struct;
  const header = items.length < 15 ? Buffer.from([(items.length << 4) | element]) : Buffer.concat([Buffer.from([0xf0 | element]), varint(items.length)]);
  const body = items.map((item) => (kind === 'list-i32' ? varint(zigzag(item as number)) : kind === 'list-binary' ? binary(item as string) : encodeStruct(item as ThriftStruct)));
  return Buffer.concat([header, ...body]);
}

function binary(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([varint(bytes.length), bytes]);
}

function zigzag(value: number): bigint {
  const big = BigInt(value);
  return big >= 0n ? big << 1n : (-big << 1n) - 1n;
}

function varint(value: number | bigint): Buffer {
  let rest = BigInt(value);
  const bytes: number[] = [];
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return Buffer.from(bytes);
}
