import type { RawTable } from './table.js';
import type { DatasetFormat } from './types.js';

/** One dataset format (after Netron): a cheap match on the name and first bytes, and a read into a raw table. */
export interface DatasetAdapter {
  readonly format: DatasetFormat;
  match(path: string, head: Uint8Array): boolean;
  read(path: string): Promise<RawTable>;
  /** How the format's rows are cut, when that is our choice rather than the file's. */
  readonly rowRule?: string;
}
