import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { InputError } from '../shared/errors.js';

export interface UploadTarget {
  /** Groups the files of one dropped folder; absent for a single file. */
  drop?: string;
  /** The file's path inside the dropped folder, or its name. */
  path: string;
  /** Larger uploads are refused part-way and leave nothing behind. */
  maxBytes?: number;
}

/** Model checkpoints of a few billion parameters fit; anything larger is not an upload to a local tool. */
export const DEFAULT_MAX_UPLOAD_BYTES = 32 * 1024 ** 3;

export interface StoredUpload {
  path: string;
  hash: string;
}

const SAFE_SEGMENT = /^[^/\\\0]+$/;

/** Rejects paths that could escape the upload folder. */
export function checkRelativePath(path: string): string[] {
  const segments = path.split('/');
  if (segments.some((segment) => !SAFE_SEGMENT.test(segment) || segment === '.' || segment === '..')) {
    throw new InputError(`'${path}' is not a relative file path that can be uploaded.`);
  }
  return segments;
}

async function streamToBlob(request: IncomingMessage, folder: string, maxBytes: number): Promise<string> {
  const hash = createHash('sha256');
  const partial = join(folder, `.partial-${randomUUID()}`);
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new InputError(`The upload is larger than ${maxBytes} bytes, the most the host accepts.`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const file = createWriteStream(partial);
  try {
    await pipeline(request, hashing, file);
  } catch (error) {
    // The stream may still be opening the file; remove it only once the stream has let go.
    if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
    rmSync(partial, { force: true });
    throw error;
  }
  const digest = hash.digest('hex');
  const blob = join(folder, digest);
  if (existsSync(blob)) rmSync(partial);
  else renameSync(partial, blob);
  return digest;
}

/** Stores an uploaded file once per content hash, and links it where the dropped item's layout puts it. */
export async function storeUpload(request: IncomingMessage, uploadDir: string, target: UploadTarget): Promise<StoredUpload> {
  const segments = checkRelativePath(target.path);
  if (target.drop !== undefined) checkRelativePath(target.drop);
  const blobs = join(uploadDir, 'blobs');
  mkdirSync(blobs, { recursive: true });
  const hash = await streamToBlob(request, blobs, target.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES);
  const place = target.drop
    ? join(uploadDir, 'drops', target.drop, ...segments)
    : join(uploadDir, 'files', hash.slice(0, 16), basename(target.path));
  mkdirSync(dirname(place), { recursive: true });
  // A second upload to the same place replaces the first, so the path always holds the bytes of the hash returned.
  rmSync(place, { force: true });
  linkSync(join(blobs, hash), place);
  return { path: place, hash };
}

/** How long an upload that no library item uses is kept (a drop being added may take a while). */
export const UNUSED_UPLOAD_AGE_MS = 24 * 60 * 60_000;

/**
 * Removes dropped items no library item uses once they are old enough, then the stored contents nothing links to;
 * `inUse` holds the library's paths. Returns how many items went.
 */
export function pruneUploads(uploadDir: string, inUse: readonly string[], now = Date.now()): number {
  let removed = 0;
  for (const group of ['drops', 'files']) {
    const folder = join(uploadDir, group);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) {
      const item = join(folder, name);
      const used = inUse.some((path) => path === item || path.startsWith(`${item}/`));
      if (used || now - statSync(item).mtimeMs < UNUSED_UPLOAD_AGE_MS) continue;
      rmSync(item, { recursive: true, force: true });
      removed += 1;
    }
  }
  const blobs = join(uploadDir, 'blobs');
  if (existsSync(blobs)) {
    for (const name of readdirSync(blobs)) if (statSync(join(blobs, name)).nlink === 1) rmSync(join(blobs, name), { force: true });
  }
  return removed;
}
