import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { describeError } from '../shared/errors.js';
import { listLibraryItems, removeLibraryItem, saveLibraryItem, type LibraryEntry } from '../store/library.js';
import type { LibraryItem, LibraryKind } from './contract.js';

export type Facts = Record<string, string | number>;

/** One engine loader as the library sees it: a cheap match, then an inspection that may throw the format's own error. */
export interface Recognizer {
  kind: LibraryKind;
  match(path: string): unknown;
  inspect(path: string): Facts | Promise<Facts>;
}

export interface LibraryServiceOptions {
  db: Database.Database;
  recognizers: Recognizer[];
}

/** A typed path may start with ~ for the home folder, as it would in a shell. */
export function expandPath(path: string): string {
  const trimmed = path.trim();
  if (trimmed === '~') return homedir();
  return resolve(trimmed.startsWith('~/') ? join(homedir(), trimmed.slice(2)) : trimmed);
}

/** Recognises models, SAEs and datasets by path and keeps what it learnt about each, errors included. */
export class LibraryService {
  readonly #db: Database.Database;
  readonly #recognizers: Recognizer[];

  constructor(options: LibraryServiceOptions) {
    this.#db = options.db;
    this.#recognizers = options.recognizers;
  }

  list(): LibraryItem[] {
    return listLibraryItems(this.#db);
  }

  async add(paths: string[]): Promise<LibraryItem[]> {
    const items: LibraryItem[] = [];
    for (const path of paths) items.push(saveLibraryItem(this.#db, await this.#recognise(expandPath(path))));
    return items;
  }

  remove(id: string): boolean {
    return removeLibraryItem(this.#db, id);
  }

  async #recognise(path: string): Promise<LibraryEntry> {
    if (!existsSync(path)) return { path, facts: {}, error: `'${path}' does not exist.` };
    let recognizer: Recognizer | undefined;
    try {
      recognizer = await this.#matching(path);
      if (!recognizer) return { path, facts: {}, error: `'${path}' is not a model folder, an SAE or a dataset that SAE Studio can read.` };
      return { path, kind: recognizer.kind, facts: await recognizer.inspect(path) };
    } catch (error) {
      return { path, kind: recognizer?.kind, facts: {}, error: describeError(error).message };
    }
  }

  async #matching(path: string): Promise<Recognizer | undefined> {
    for (const recognizer of this.#recognizers) {
      if (await recognizer.match(path)) return recognizer;
    }
    return undefined;
  }
}
