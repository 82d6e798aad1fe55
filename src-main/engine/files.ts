import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputError } from '../shared/errors.js';

export function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Parses a JSON file; an unreadable or malformed one is the user's mistake, told with the reader's own sentence. */
export function readJsonFile(file: string, invalidMessage: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new InputError(invalidMessage, file);
  }
}
