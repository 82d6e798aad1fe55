import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, linkSync, mkdirSync, renameSync, rmSync } from 'node:fs';
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
}

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

async function streamToBlob(request: IncomingMessage, folder: string): Promise<string> {
  const hash = createHash('sha256');
  const partial = join(folder, `.partial-${randomUUID()}`);
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(request, hashing, createWriteStream(partial));
  } catch (error) {
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
  const hash = await streamToBlob(request, blobs);
  const place = target.drop
    ? join(uploadDir, 'drops', target.drop, ...segments)
    : join(uploadDir, 'files', hash.slice(0, 16), basename(target.path));
  mkdirSync(dirname(place), { recursive: true });
  if (!existsSync(place)) linkSync(join(blobs, hash), place);
  return { path: place, hash };
}
