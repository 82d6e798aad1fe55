import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { InputError } from '../shared/errors.js';

export function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Node's error codes in words a user can act on. */
const CAUSES: Record<string, string> = {
  ENOENT: 'it does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of its path is a file, not a folder',
  ELOOP: 'its symbolic links form a loop',
  ENAMETOOLONG: 'its name is too long',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'it is too large',
  ERR_FS_FILE_TOO_LARGE: 'it is too large',
  EIO: 'an input/output error occurred',
  EBUSY: 'it is busy',
  EEXIST: 'a file of that name is in the way',
};

/** The cause of a failed file operation in words; an unknown code is shown as it is. */
export function fileErrorCause(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && CAUSES[code]) return CAUSES[code];
  return code ? `system error ${code}` : String((error as Error)?.message ?? error);
}

/** An InputError naming the file and what went wrong, e.g. "Cannot read /x/cfg.json: permission denied." */
export function fileError(path: string, action: 'read' | 'write' | 'open' | 'create', error: unknown): InputError {
  const missingFolder = (action === 'write' || action === 'create') && (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return new InputError(`Cannot ${action} ${path}: ${missingFolder ? 'its folder does not exist' : fileErrorCause(error)}.`, path);
}

/** True when something, even a dangling or looping symbolic link, sits at the path. */
export function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** What a path is when it is not a regular file, in words. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Stats of a path that must be a regular file: a FIFO would block the read forever, a folder cannot be read. */
export function regularFileStats(path: string): Stats {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw fileError(path, 'open', error);
  }
  if (!stats.isFile()) throw new InputError(`Cannot read ${path}: it is ${kindOf(stats)}, not a file.`, path);
  return stats;
}

/** Opens a regular file for reading, or says in words why it cannot be. */
export function openReadable(path: string): number {
  regularFileStats(path);
  try {
    return openSync(path, 'r');
  } catch (error) {
    throw fileError(path, 'open', error);
  }
}

// One Buffer (and one string from it) holds at most about this much; larger files must be streamed.
export const MAX_WHOLE_FILE_BYTES = 2 ** 31 - 1;

/** A whole regular file's bytes, refusing FIFOs, folders and files too large to hold at once. */
export function readWholeFile(path: string, maxBytes = MAX_WHOLE_FILE_BYTES): Buffer {
  const { size } = regularFileStats(path);
  if (size > maxBytes) throw new InputError(`Cannot read ${path}: it is too large (${size} bytes; at most ${maxBytes} can be read at once).`, path);
  const descriptor = openReadable(path);
  try {
    return readFileSync(descriptor);
  } catch (error) {
    throw fileError(path, 'read', error);
  } finally {
    closeSync(descriptor);
  }
}

/** Parses a JSON file; an unreadable file says why, a malformed one is told with the reader's own sentence. */
export function readJsonFile(file: string, invalidMessage: string): unknown {
  const text = readWholeFile(file).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(invalidMessage, file);
  }
}

/** Writes a whole file, or says in words why it cannot be written. */
export function writeWholeFile(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (error) {
    throw fileError(path, 'write', error);
  }
}

/** Creates a folder (and its parents), or says in words why it cannot be created. */
export function createFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw fileError(folder, 'create', error);
  }
}

/** Opens a file for writing, or says in words why it cannot be. */
export function openWritable(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (error) {
    throw fileError(path, 'write', error);
  }
}
