import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileError } from '../files.js';

/** One input of a run and the sha256 of its bytes (files) or of its canonical JSON (settings). */
export interface FingerprintPart {
  /** Says which input it is, e.g. "the model", "SAE 2 of 3", "the window settings"; never a path, since each machine may mount the inputs elsewhere. */
  input: string;
  sha256: string;
}

/** Every input a shard's results depend on, in a fixed order: shards merge only when all parts agree. */
export type Fingerprint = FingerprintPart[];

const CHUNK_BYTES = 4 << 20;

function hashFile(path: string, hash: Hash, buffer: Buffer): void {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch (error) {
    throw fileError(path, 'read', error);
  }
  try {
    for (let read = readSync(descriptor, buffer); read > 0; read = readSync(descriptor, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(descriptor);
  }
}

/** Files of a folder, recursively, in name order, as paths relative to it. */
function filesUnder(folder: string, prefix = ''): string[] {
  const entries = readdirSync(join(folder, prefix), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return entries.flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return filesUnder(folder, relative);
    return entry.isFile() || entry.isSymbolicLink() ? [relative] : [];
  });
}

/** The sha256 of a file's bytes, or of a folder's files (each name then its bytes), read in 4 MiB chunks. */
export function hashPath(path: string, accept: (name: string) => boolean = () => true): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch (error) {
    throw fileError(path, 'read', error);
  }
  if (!isFolder) hashFile(path, hash, buffer);
  for (const name of isFolder ? filesUnder(path).filter(accept) : []) {
    hash.update(`${name}\0`);
    hashFile(join(path, name), hash, buffer);
  }
  return hash.digest('hex');
}

/** The sha256 of settings as JSON with sorted keys, so the same values always give the same digest. */
export function hashSettings(settings: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.keys(settings).sort().map((key) => [key, settings[key] ?? null]));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** A model folder's weights, config and tokenizer (not its README or other notes). */
export function hashModelFolder(folder: string): FingerprintPart {
  const defining = (name: string) => !name.includes('/') && /\.(safetensors|json|onnx|bin)$/.test(name);
  return { input: 'the model', sha256: hashPath(folder, defining) };
}

/** The first part in which two fingerprints differ, in words, or undefined when they agree. */
export function fingerprintDifference(a: Fingerprint, b: Fingerprint): string | undefined {
  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const [left, right] = [a[index], b[index]];
    if (!left || !right) return `${(left ?? right).input} is in one and not the other`;
    if (left.input !== right.input) return `the inputs differ (${left.input} against ${right.input})`;
    if (left.sha256 !== right.sha256) return `${left.input} differs (sha256 ${left.sha256.slice(0, 12)}… against ${right.sha256.slice(0, 12)}…)`;
  }
  return undefined;
}
