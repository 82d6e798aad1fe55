import { inspectDataset, matchDataset } from '../engine/data/registry.js';
import { isDirectory } from '../engine/files.js';
import { inspectModelFolder, matchModelFolder } from '../engine/model/folder.js';
import { inspectSae, matchSae } from '../engine/sae/registry.js';
import type { Facts, Recognizer } from './library-service.js';

/** A folder of SAEs (one per hook) is one library item; its facts summarise the set. */
function saeFacts(path: string): Facts {
  const saes = inspectSae(path);
  if (saes.length === 1) return saes[0];
  return { saes: saes.length, hooks: saes.map((sae) => String(sae.hook)).join(', '), format: String(saes[0].format ?? '') };
}

function holdsSaes(path: string): boolean {
  if (matchSae(path)) return true;
  if (!isDirectory(path)) return false;
  try {
    return inspectSae(path).length > 0;
  } catch {
    return false;
  }
}

/** The engine's loaders, cheapest match first. */
export function engineRecognizers(): Recognizer[] {
  return [
    { kind: 'model', match: matchModelFolder, inspect: inspectModelFolder },
    { kind: 'dataset', match: matchDataset, inspect: inspectDataset },
    { kind: 'sae', match: holdsSaes, inspect: saeFacts },
  ];
}
