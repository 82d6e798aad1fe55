import type { Command } from '../command.js';
import { activationsCommand } from './activations.js';
import { analyzeCommand } from './analyze.js';
import { benchCommand } from './bench.js';
import { demoCommand } from './demo.js';
import { exportCommand } from './export.js';
import { featureCommand } from './feature.js';
import { figuresCommand } from './figures.js';
import { inspectCommand } from './inspect.js';
import { makeModelCommand } from './make-model.js';
import { makeSaesCommand } from './make-saes.js';
import { runsCommand } from './runs.js';
import { serveCommand } from './serve.js';

/** Every headless job; each command lives in its own file beside this one. */
export const COMMANDS: Command[] = [
  analyzeCommand,
  runsCommand,
  exportCommand,
  featureCommand,
  figuresCommand,
  activationsCommand,
  inspectCommand,
  serveCommand,
  demoCommand,
  benchCommand,
  makeModelCommand,
  makeSaesCommand,
];
