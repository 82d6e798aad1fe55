import type { StatsExport } from '../../src-main/engine/stats/types.js';

function lastSegment(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** The figure's name and the run it shows, e.g. "Position mean vs std · gpt2 on demo.jsonl, 400 windows". */
export function figureTitle(name: string, stats: StatsExport): string {
  const { model, dataset, samples } = stats.run;
  return `${name} · ${lastSegment(model)} on ${lastSegment(dataset)}, ${samples} windows`;
}
