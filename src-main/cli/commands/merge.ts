import { resolve } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { openDatabase } from '../../store/database.js';
import { mergeShardFiles } from '../../store/merged-run.js';
import { databaseFlag, databaseOption, type Command } from '../command.js';
import { terminalProgress } from '../progress.js';

export const mergeCommand: Command = {
  name: 'merge',
  summary: 'Merge the shard files of a sharded run into one finished run (see analyze --shard)',
  positionals: 'FILE…',
  options: {
    db: databaseFlag(),
  },
  async run(options, positionals) {
    if (positionals.length === 0) throw new InputError("Name the shard files to merge. See 'sae-studio merge --help'.");
    const db = openDatabase(databaseOption(options));
    try {
      const progress = terminalProgress({ bars: process.stderr, lines: process.stdout });
      const run = mergeShardFiles(db, positionals.map((path) => resolve(path)), progress);
      console.log(`Run ${run.id}`);
      return 0;
    } finally {
      db.close();
    }
  },
};
