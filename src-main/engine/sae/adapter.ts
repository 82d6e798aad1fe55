import type { SaeFormat, SaeParams } from './types.js';

/** Cheap facts about an SAE for the Library, read from configs and headers only. */
export type SaeFacts = Record<string, string | number>;

/** One file format: a cheap match on names, an open that parses and validates (after Netron). */
export interface SaeAdapter {
  readonly format: SaeFormat;
  /** Looks at file names only, so a folder of hundreds of SAEs is scanned quickly. */
  match(path: string): boolean;
  open(path: string): SaeParams;
  inspect(path: string): SaeFacts;
}

/** Drops facts a format does not know, so the Library shows only what the file says. */
export function definedFacts(facts: Record<string, string | number | undefined>): SaeFacts {
  return Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined)) as SaeFacts;
}
