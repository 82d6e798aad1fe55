import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FigureFormat } from '../../shared/figures/settings.js';
import { InputError } from '../../shared/errors.js';
import type { PairFigureData, SetFigureData } from '../../shared/figures/match-data.js';
import { MATCH_FIGURE_IDS, PAIR_FIGURE_FAMILIES, SET_FIGURE_FAMILY, type PairFigureFamily } from '../../shared/figures/match-families.js';
import { renderBuiltFigures, type ExportedFigure, type FigureRenderOptions } from './export.js';

/** What one match draws: its pairs (one for a pair match), each with the folder its files go to, and a set's matrices. */
export interface MatchFigureSource {
  pairs: { folder: string; data: PairFigureData }[];
  set?: SetFigureData;
}

export interface MatchExportOptions extends FigureRenderOptions {
  outDir: string;
  formats: FigureFormat[];
  families?: string[];
}

/** One pair figure of a match, for the app's export button. */
export function renderPairFigure(familyId: string, data: PairFigureData, format: FigureFormat, options: FigureRenderOptions): ExportedFigure {
  const family = pairFamilyOrThrow(familyId);
  return renderBuiltFigures({ id: family.id, build: (settings) => family.builder(data, settings) }, [format], options)[0]!;
}

export function renderSetFigure(data: SetFigureData, format: FigureFormat, options: FigureRenderOptions): ExportedFigure {
  return renderBuiltFigures({ id: SET_FIGURE_FAMILY.id, build: (settings) => SET_FIGURE_FAMILY.builder(data, settings) }, [format], options)[0]!;
}

/** Writes the set's heatmaps at the top and each pair's figures in its folder; returns the paths written. */
export async function exportMatchFigures(source: MatchFigureSource, options: MatchExportOptions): Promise<string[]> {
  const wanted = new Set(options.families ?? MATCH_FIGURE_IDS);
  const unknown = [...wanted].find((id) => !MATCH_FIGURE_IDS.includes(id));
  if (unknown) throw new InputError(`Unknown match figure '${unknown}': expected one of ${MATCH_FIGURE_IDS.join(', ')}.`);
  const written: string[] = [];
  const write = async (folder: string, figures: ExportedFigure[]) => {
    await mkdir(folder, { recursive: true });
    for (const figure of figures) {
      const path = join(folder, figure.fileName);
      await writeFile(path, figure.data);
      written.push(path);
    }
  };
  if (source.set && wanted.has(SET_FIGURE_FAMILY.id)) {
    const set = source.set;
    await write(options.outDir, renderBuiltFigures({ id: SET_FIGURE_FAMILY.id, build: (settings) => SET_FIGURE_FAMILY.builder(set, settings) }, options.formats, options));
  }
  for (const pair of source.pairs) {
    const families = PAIR_FIGURE_FAMILIES.filter((family) => wanted.has(family.id) && (family.applies?.(pair.data) ?? true));
    for (const family of families) {
      await write(join(options.outDir, pair.folder), renderBuiltFigures({ id: family.id, build: (settings) => family.builder(pair.data, settings) }, options.formats, options));
    }
  }
  return written;
}

function pairFamilyOrThrow(id: string): PairFigureFamily {
  const family = PAIR_FIGURE_FAMILIES.find((each) => each.id === id);
  if (!family) throw new InputError(`Unknown match figure '${id}': expected one of ${PAIR_FIGURE_FAMILIES.map((each) => each.id).join(', ')}.`);
  return family;
}
