/** A broken dataset file and the exact sentence a user must see (after Netron's test/models.json). */
export interface BrokenDataset {
  name: string;
  file: string;
  content: string | Buffer;
  textColumn?: string;
  message: string;
}

/** 'PAR1', a hand-made thrift footer, its length and 'PAR1' again: the frame every Parquet file has. */
function parquetWithFooter(footer: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(footer.length);
  return Buffer.concat([Buffer.from('PAR1'), footer, length, Buffer.from('PAR1')]);
}

export const BROKEN_DATASETS: BrokenDataset[] = [
  { name: 'an empty jsonl file', file: 'empty.jsonl', content: '', message: 'empty.jsonl has no rows.' },
  { name: 'a jsonl file of blank lines', file: 'blank.jsonl', content: '\n  \n\n', message: 'blank.jsonl has no rows.' },
  { name: 'a jsonl line that is not JSON', file: 'bad.jsonl', content: '{"text": "a"}\n{"text": "b"\n', message: 'bad.jsonl line 2 is not valid JSON.' },
  { name: 'a jsonl line holding an array', file: 'array.jsonl', content: '{"text": "a"}\n\n[1, 2]\n', message: 'array.jsonl line 3 holds an array, not a JSON object.' },
  {
    name: 'a text column that does not exist',
    file: 'labels.jsonl',
    content: '{"body": "a", "topic": "x"}\n',
    textColumn: 'text',
    message: "labels.jsonl has no column 'text'; its columns are 'body', 'topic'.",
  },
  { name: 'no string column at all', file: 'numbers.jsonl', content: '{"a": 1, "b": true}\n', message: "numbers.jsonl has no text column; its columns are 'a', 'b'." },
  {
    name: 'rows whose text is never text',
    file: 'nulls.jsonl',
    content: '{"text": null}\n{"text": 3}\n{"text": "  "}\n',
    message: "nulls.jsonl has no text in column 'text': all 3 rows are empty or not text.",
  },
  {
    name: 'Latin-1 bytes in a CSV',
    file: 'latin1.csv',
    content: Buffer.concat([Buffer.from('text\nfine\ncaf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    message: 'latin1.csv is not UTF-8 text: byte 0xE9 at offset 13 (line 3) is invalid.',
  },
  { name: 'a CSV with only a header', file: 'header.csv', content: 'text,topic\n', message: 'header.csv has no rows.' },
  { name: 'a CSV quote that never closes', file: 'quote.csv', content: 'text\n"one\ntwo\n', message: 'quote.csv has a quote opened on line 2 that never closes.' },
  { name: 'a CSV row with extra fields', file: 'wide.csv', content: 'text,topic\na,b\nc,d,e\n', message: 'wide.csv line 3 has 3 fields but the header names 2 columns.' },
  { name: 'a CSV header with an empty name', file: 'unnamed.csv', content: 'text,,topic\na,b,c\n', message: 'unnamed.csv has an empty column name in its header row.' },
  { name: 'an empty text file', file: 'empty.txt', content: '\n\n', message: 'empty.txt has no rows.' },
  {
    name: 'a Parquet file that is not Parquet',
    file: 'fake.parquet',
    content: 'these bytes are not a parquet file',
    message: 'fake.parquet could not be read as Parquet: parquet file invalid (footer != PAR1).',
  },
  {
    name: 'a Parquet footer whose list claims 184 million elements',
    file: 'bomb.parquet',
    content: parquetWithFooter(Buffer.from([0x19, 0xf5, 0x82, 0xd6, 0xe2, 0x57, 0x00])),
    message: 'bomb.parquet could not be read as Parquet: its footer is damaged.',
  },
  { name: 'an unknown extension', file: 'data.xlsx', content: 'PK', message: 'data.xlsx is not a dataset format SAE Studio reads: use .jsonl, .csv, .tsv, .parquet or .txt.' },
];
