import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDataset } from '../../src-main/engine/data/registry.js';
import { fileError, writeWholeFile } from '../../src-main/engine/files.js';
import { SafetensorsFile } from '../../src-main/engine/model/safetensors.js';
import { NpzFile } from '../../src-main/engine/sae/npz.js';
import { openDatabase } from '../../src-main/store/database.js';

/** An input the operating system refuses, and the exact sentence a user must see (after Netron's test/models.json); $DIR is the fixture's folder. */
export interface BrokenFile {
  name: string;
  /** Makes the input under dir and returns the path to use. */
  build(dir: string): string;
  /** Uses the path as the app would. */
  use(path: string): unknown;
  message: string;
}

function fifo(dir: string, name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

function loop(dir: string, name: string): string {
  const path = join(dir, name);
  symlinkSync(join(dir, 'other'), path);
  symlinkSync(path, join(dir, 'other'));
  return path;
}

function folder(dir: string, name: string): string {
  const path = join(dir, name);
  mkdirSync(path);
  return path;
}

const database = (path: string) => openDatabase(path).close();
const safetensors = (path: string) => SafetensorsFile.open(path).close();

export const BROKEN_FILES: BrokenFile[] = [
  { name: 'a dataset that is a FIFO', build: (dir) => fifo(dir, 'rows.jsonl'), use: openDataset, message: 'Cannot read $DIR/rows.jsonl: it is a FIFO (named pipe), not a file.' },
  { name: 'a dataset behind a symlink loop', build: (dir) => loop(dir, 'rows.jsonl'), use: openDataset, message: 'Cannot open $DIR/rows.jsonl: its symbolic links form a loop.' },
  {
    name: 'a text dataset too large to decode at once',
    build: (dir) => {
      const path = join(dir, 'huge.txt');
      writeFileSync(path, '');
      truncateSync(path, 2 ** 29);
      return path;
    },
    use: openDataset,
    message: 'Cannot read $DIR/huge.txt: it is too large (536870912 bytes; at most 536870888 can be read at once).',
  },
  { name: 'safetensors that is a FIFO', build: (dir) => fifo(dir, 'model.safetensors'), use: safetensors, message: 'Cannot read $DIR/model.safetensors: it is a FIFO (named pipe), not a file.' },
  { name: 'safetensors that is a folder', build: (dir) => folder(dir, 'model.safetensors'), use: safetensors, message: 'Cannot read $DIR/model.safetensors: it is a folder, not a file.' },
  { name: 'safetensors behind a symlink loop', build: (dir) => loop(dir, 'model.safetensors'), use: safetensors, message: 'Cannot open $DIR/model.safetensors: its symbolic links form a loop.' },
  { name: 'an npz that is a FIFO', build: (dir) => fifo(dir, 'params.npz'), use: (path) => NpzFile.open(path), message: 'Cannot read $DIR/params.npz: it is a FIFO (named pipe), not a file.' },
  {
    name: 'a database file holding garbage',
    build: (dir) => (writeFileSync(join(dir, 'studio.db'), 'not a database '.repeat(300)), join(dir, 'studio.db')),
    use: database,
    message: 'Cannot open the database $DIR/studio.db: the file is not an SQLite database.',
  },
  {
    name: 'a database path that is a folder',
    build: (dir) => folder(dir, 'studio.db'),
    use: database,
    message: 'Cannot open the database $DIR/studio.db: the file cannot be opened (check that it is a file and its folder is writable).',
  },
  {
    name: 'a database under a file used as a folder',
    build: (dir) => (writeFileSync(join(dir, 'plain'), ''), join(dir, 'plain', 'studio.db')),
    use: database,
    message: 'Cannot create $DIR/plain: a file of that name is in the way.',
  },
  { name: 'an export into a missing folder', build: (dir) => join(dir, 'missing', 'stats.json'), use: (path) => writeWholeFile(path, '{}'), message: 'Cannot write $DIR/missing/stats.json: its folder does not exist.' },
  { name: 'an export onto a folder', build: (dir) => folder(dir, 'stats.json'), use: (path) => writeWholeFile(path, '{}'), message: 'Cannot write $DIR/stats.json: it is a folder, not a file.' },
  {
    name: 'a permission error (as a non-root user meets it)',
    build: (dir) => join(dir, 'cfg.json'),
    use: (path) => {
      throw fileError(path, 'read', Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
    },
    message: 'Cannot read $DIR/cfg.json: permission denied.',
  },
];
