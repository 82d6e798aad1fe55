import { basename } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { fingerprintDifference } from './fingerprint.js';
import { SHARD_KINDS, type ShardFile } from './shard-file.js';

/** A shard file's header says a kind, a run id, K and N that make sense. */
function checkHeader(file: ShardFile): void {
  const { kind, runId, shard } = file.header;
  if (!SHARD_KINDS.includes(kind)) throw new InputError(`The shard file ${file.path} is of an unknown kind '${String(kind)}'.`, file.path);
  const valid = Number.isInteger(shard?.count) && shard.count >= 1 && Number.isInteger(shard.index) && shard.index >= 0 && shard.index < shard.count;
  if (!valid || typeof runId !== 'string') throw new InputError(`The shard file ${file.path} has a header without a valid run id, K and N.`, file.path);
}

/** Refuses the first pair of files that disagree on `value`, naming both files and both values. */
function checkAgree(files: readonly ShardFile[], what: string, value: (file: ShardFile) => string | number): void {
  const first = files[0];
  const other = files.find((file) => value(file) !== value(first));
  if (other) {
    throw new InputError(`The shard files ${first.path} and ${other.path} disagree on ${what}: ${value(first)} against ${value(other)}.`, other.path);
  }
}

function checkFingerprints(files: readonly ShardFile[]): void {
  const [first] = files;
  for (const file of files.slice(1)) {
    const difference = fingerprintDifference(first.header.fingerprint, file.header.fingerprint);
    if (difference) throw new InputError(`The shard files ${first.path} and ${file.path} come from different inputs: ${difference}.`, file.path);
  }
}

/** Every K from 0 to N − 1 exactly once: a duplicate names both files, a gap names the missing K. */
function checkCoverage(files: readonly ShardFile[]): ShardFile[] {
  const count = files[0].header.shard.count;
  const byIndex = new Map<number, ShardFile>();
  for (const file of files) {
    const seen = byIndex.get(file.header.shard.index);
    if (seen) throw new InputError(`Shard ${file.header.shard.index}/${count} is given twice: ${seen.path} and ${file.path}.`, file.path);
    byIndex.set(file.header.shard.index, file);
  }
  const missing = Array.from({ length: count }, (_, index) => index).filter((index) => !byIndex.has(index));
  if (missing.length > 0) {
    const names = files.map((file) => basename(file.path)).join(', ');
    throw new InputError(`Shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} ${missing.length > 1 ? 'are' : 'is'} missing (given: ${names}).`);
  }
  return [...byIndex.keys()].sort((a, b) => a - b).map((index) => byIndex.get(index)!);
}

/** Checks that the shard files are the N shards of one run, once each, and returns them in K order. */
export function checkShardSet(files: readonly ShardFile[]): ShardFile[] {
  if (files.length === 0) throw new InputError('Name the shard files to merge.');
  files.forEach(checkHeader);
  checkAgree(files, 'the job kind', (file) => file.header.kind);
  checkAgree(files, 'the number of shards N', (file) => file.header.shard.count);
  checkAgree(files, 'the run id', (file) => file.header.runId);
  checkFingerprints(files);
  checkAgree(files, 'the number of windows', (file) => file.header.windows.total);
  return checkCoverage(files);
}
