export const DATASET_FORMATS = ['jsonl', 'csv', 'parquet', 'txt'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

export type LabelValue = string | number | boolean | null;

export interface DatasetRow {
  text: string;
  labels: Record<string, LabelValue>;
}

export interface DatasetInfo {
  path: string;
  format: DatasetFormat;
  columns: string[];
  textColumn: string;
  rowCount: number;
  /** Rows left out because their text was missing, empty or not text. */
  skippedRows: number;
}

export interface Dataset {
  info: DatasetInfo;
  rows: DatasetRow[];
}

export interface DatasetOpenOptions {
  textColumn?: string;
}
