import { basename } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { InputError } from '../../../shared/errors.js';
import type { DatasetAdapter } from '../adapter.js';
import type { RawTable } from '../table.js';
import { checkParquetFooter } from './parquet-footer.js';

const PARQUET_MAGIC = 'PAR1';

export const parquetAdapter: DatasetAdapter = {
  format: 'parquet',
  match: (path, head) => /\.parquet$/i.test(path) || Buffer.from(head.subarray(0, 4)).toString('latin1') === PARQUET_MAGIC,
  read: readParquet,
};

async function readParquet(path: string): Promise<RawTable> {
  checkParquetFooter(path);
  try {
    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    const columns = parquetSchema(metadata).children.map((child) => child.element.name);
    const records = await parquetReadObjects({ file, metadata });
    return { columns, records };
  } catch (error) {
    // hyparquet's messages say what is wrong with the bytes; we add which file.
    throw new InputError(`${basename(path)} could not be read as Parquet: ${(error as Error).message}.`, path);
  }
}
