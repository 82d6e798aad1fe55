import { replyToParent } from '../../src-main/bench/shared.js';

/** A measurement child that reports what its environment holds for the variable named in its configuration. */
await replyToParent(async (variable: string) => process.env[variable] ?? null);
