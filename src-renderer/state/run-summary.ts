import type { RunRecord } from '../../src-main/api/contract.js';
import { fileName } from '../../src-main/shared/figures/title.js';

/** A run's one-line title and settings line, whatever its kind. */
export function runSummary(run: RunRecord): { title: string; details: string } {
  if (run.kind === 'match') {
    const s = run.settings;
    return { title: `Match · ${s.saes.map(fileName).join(', ')}`, details: `${s.by} directions · top-${s.topK} · thresholds ${s.thresholds.join(', ')} · device ${s.device}` };
  }
  const model = fileName(run.settings.model);
  const saes = 'saes' in run.settings ? `${run.settings.saes.length} SAE${run.settings.saes.length === 1 ? '' : 's'}` : '';
  switch (run.kind) {
    case 'statistics': {
      const s = run.settings;
      const extras = `${s.ce ? ' · CE' : ''}${s.ablate !== 'none' ? ` · ${s.ablate}` : ''}`;
      return { title: `${model} · ${saes} · ${fileName(s.dataset)}`, details: `${s.samples} samples · context ${s.context ?? 'auto'} · ${s.packing} · device ${s.device} · batch ${s.batchSize}${extras}` };
    }
    case 'correlate': {
      const s = run.settings;
      const label = s.positive === undefined ? s.label : `${s.label}=${s.positive}`;
      return { title: `Correlation · ${model} · ${saes} · ${fileName(s.dataset)}`, details: `label ${label} · ${s.pooling}-pooled · ${s.samples} rows · top ${s.topK} · device ${s.device}` };
    }
    case 'generate':
    case 'steer': {
      const s = run.settings;
      const sampling = s.temperature === 0 ? 'greedy' : `temperature ${s.temperature}, top-p ${s.topP}, seed ${s.seed}`;
      const steering = run.kind === 'steer' ? ` · ${run.settings.features.length} feature${run.settings.features.length === 1 ? '' : 's'} on ${run.settings.positions} positions` : '';
      const name = run.kind === 'steer' ? 'Steering' : 'Generation';
      return { title: `${name} · ${model}${saes ? ` · ${saes}` : ''}`, details: `${s.prompts.length} prompt${s.prompts.length === 1 ? '' : 's'} · ${s.maxNewTokens} new tokens · ${sampling}${steering}` };
    }
    case 'residual': {
      const s = run.settings;
      const extras = `${s.ablate !== 'none' ? ` · ${s.ablate}` : ''}${s.logitLens ? '' : ' · no logit lens'}`;
      return { title: `Residual stream · ${model} · ${fileName(s.dataset)}`, details: `${s.samples} samples · context ${s.context ?? 'auto'} · ${s.packing} · device ${s.device} · batch ${s.batchSize}${extras}` };
    }
    case 'inspect-text': {
      const s = run.settings;
      const text = s.text.length > 60 ? `${s.text.slice(0, 57)}…` : s.text;
      return { title: `Text inspector · ${model}${saes ? ` · ${saes}` : ''}`, details: `"${text}" · device ${s.device}` };
    }
    default: {
      // Kinds added later read here until they get a case of their own.
      const other = run as RunRecord;
      return { title: `${other.kind} · ${model}`, details: 'samples' in other.settings ? `${other.settings.samples} samples` : '' };
    }
  }
}

/** The label of a finished run's open button. */
export function openLabel(run: RunRecord): string {
  if (run.kind === 'match') return 'Open match';
  if (run.kind === 'correlate') return 'Open correlation';
  if (run.kind === 'steer' || run.kind === 'generate') return 'Open continuations';
  if (run.kind === 'inspect-text') return 'Open in the inspector';
  return 'Open figures';
}

function duration(run: RunRecord): string | undefined {
  if (!run.finishedAt) return undefined;
  return spokenTime(Date.parse(run.finishedAt) - Date.parse(run.createdAt));
}

function spokenTime(milliseconds: number): string {
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  const [minutes, rest] = [Math.floor(seconds / 60), seconds % 60];
  return minutes > 0 ? `${minutes} min ${rest} s` : `${rest} s`;
}

/** A merged run's shards as the Runs view lists them: K/N, windows, the machine it ran on and how long it took. */
export function shardRows(run: RunRecord): { shard: string; windows: number; host: string; took: string }[] {
  return (run.shards ?? []).map((row) => ({ shard: `${row.shard}/${row.shards}`, windows: row.windows, host: row.host, took: spokenTime(row.elapsedMs) }));
}

/** What the run measured about itself: its id, windows used (of those requested), resolved context, device and duration. */
export function runFacts(run: RunRecord): string {
  const requested = 'samples' in run.settings ? run.settings.samples : undefined;
  const windows = run.windows === undefined ? undefined : run.windows === requested || requested === undefined ? `${run.windows} windows` : `${run.windows} of ${requested} windows`;
  const took = duration(run);
  const facts = [`run ${run.id}`, windows, run.context === undefined ? undefined : `context ${run.context}`, run.device ? `ran on ${run.device}` : undefined, took ? `took ${took}` : undefined];
  return facts.filter(Boolean).join(' · ');
}
