import type { StatsExport } from '../stats.js';

/** The last part of a path, either separator: the folder or file a user would recognise. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** The figure's name and the run it shows, e.g. "Position mean vs std · gpt2 on demo.jsonl, 400 windows". */
export function figureTitle(name: string, stats: StatsExport): string {
  const { model, dataset, samples } = stats.run;
  return `${name} · ${fileName(model)} on ${fileName(dataset)}, ${samples} windows`;
}
