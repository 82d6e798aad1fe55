import { basename } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { readWholeFile } from '../files.js';

// A JavaScript string holds at most 2^29 − 24 UTF-16 units; a text file larger than that cannot be decoded at once.
const MAX_TEXT_BYTES = 2 ** 29 - 24;

export function readBytes(path: string): Buffer {
  return readWholeFile(path);
}

/** Decodes strict UTF-8, naming the first bad byte and its line so the user can find it. */
export function decodeUtf8(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    const offset = firstInvalidByte(bytes);
    if (offset < 0) throw new InputError(`${basename(path)} could not be decoded as text: ${(error as Error).message}.`, path);
    const line = countLines(bytes, offset);
    const value = bytes[offset].toString(16).toUpperCase().padStart(2, '0');
    throw new InputError(`${basename(path)} is not UTF-8 text: byte 0x${value} at offset ${offset} (line ${line}) is invalid.`, path);
  }
}

export function readText(path: string): string {
  return decodeUtf8(readWholeFile(path, MAX_TEXT_BYTES), path);
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence, or −1 if every byte does. */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return -1;
}

/** Bytes in the valid sequence starting here, or 0; the second byte's range rules out overlong forms and surrogates. */
function sequenceLength(bytes: Uint8Array, start: number): number {
  const lead = bytes[start];
  if (lead < 0x80) return 1;
  const rule = leadRule(lead);
  if (!rule || start + rule.length > bytes.length) return 0;
  if (bytes[start + 1] < rule.low || bytes[start + 1] > rule.high) return 0;
  for (let i = 2; i < rule.length; i++) if ((bytes[start + i] & 0xc0) !== 0x80) return 0;
  return rule.length;
}

function leadRule(lead: number): { length: number; low: number; high: number } | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return { length: 2, low: 0x80, high: 0xbf };
  if (lead === 0xe0) return { length: 3, low: 0xa0, high: 0xbf };
  if (lead === 0xed) return { length: 3, low: 0x80, high: 0x9f };
  if (lead >= 0xe1 && lead <= 0xef) return { length: 3, low: 0x80, high: 0xbf };
  if (lead === 0xf0) return { length: 4, low: 0x90, high: 0xbf };
  if (lead >= 0xf1 && lead <= 0xf3) return { length: 4, low: 0x80, high: 0xbf };
  if (lead === 0xf4) return { length: 4, low: 0x80, high: 0x8f };
  return undefined;
}

function countLines(bytes: Uint8Array, end: number): number {
  let lines = 1;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) lines++;
  return lines;
}
