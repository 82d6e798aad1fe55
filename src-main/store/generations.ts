import type Database from 'better-sqlite3';
import { InputError } from '../shared/errors.js';
import type { Continuation, FeatureTrace, SteeringComparison } from '../shared/steering.js';
import { requireFinishedRun, writeWhileActive } from './runs.js';

export const VARIANTS = ['default', 'steered'] as const;
export type Variant = (typeof VARIANTS)[number];

interface GenerationRow {
  prompt_index: number;
  variant: Variant;
  prompt: string;
  text: string;
  tokens: string;
  pieces: string;
  features: string;
}

/** Stores one prompt's continuations, unless the run was cancelled meanwhile. */
export function saveContinuations(db: Database.Database, runId: string, entry: { index: number; prompt: string; outputs: Partial<Record<Variant, Continuation>> }): void {
  const insert = db.prepare(
    'INSERT OR REPLACE INTO generations (run_id, prompt_index, variant, prompt, text, tokens, pieces, features) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  writeWhileActive(db, runId, () => {
    for (const [variant, output] of Object.entries(entry.outputs)) {
      insert.run(runId, entry.index, variant, entry.prompt, output.text, JSON.stringify(output.tokens), JSON.stringify(output.pieces), JSON.stringify(output.features));
    }
  });
}

/** A finished steering run's comparisons, prompt by prompt. */
export function loadSteering(db: Database.Database, idOrLatest: string): SteeringComparison[] {
  const runId = requireFinishedRun(db, idOrLatest, 'steer').id;
  return groupByPrompt(loadRows(db, runId)).map(({ prompt, outputs }) => ({ prompt, default: outputs.default!, steered: outputs.steered! }));
}

/** A finished generation run's continuations, prompt by prompt. */
export function loadGenerations(db: Database.Database, idOrLatest: string): { prompt: string; output: Continuation }[] {
  const runId = requireFinishedRun(db, idOrLatest, 'generate').id;
  return groupByPrompt(loadRows(db, runId)).map(({ prompt, outputs }) => ({ prompt, output: outputs.default! }));
}

function loadRows(db: Database.Database, runId: string): GenerationRow[] {
  const rows = db.prepare('SELECT * FROM generations WHERE run_id = ? ORDER BY prompt_index, variant').all(runId) as GenerationRow[];
  if (rows.length === 0) throw new InputError(`Run '${runId}' finished without continuations.`);
  return rows;
}

function groupByPrompt(rows: GenerationRow[]): { prompt: string; outputs: Partial<Record<Variant, Continuation>> }[] {
  const prompts: { prompt: string; outputs: Partial<Record<Variant, Continuation>> }[] = [];
  for (const row of rows) {
    prompts[row.prompt_index] ??= { prompt: row.prompt, outputs: {} };
    prompts[row.prompt_index]!.outputs[row.variant] = {
      text: row.text,
      tokens: JSON.parse(row.tokens) as number[],
      pieces: JSON.parse(row.pieces) as string[],
      features: JSON.parse(row.features) as FeatureTrace[],
    };
  }
  return prompts.filter(Boolean);
}
