import type { Command } from '../command.js';
import { activationsCommand } from './activations.js';
import { analyzeCommand } from './analyze.js';
import { clusterCommand } from './cluster.js';
import { correlateCommand } from './correlate.js';
import { demoCommand } from './demo.js';
import { exportCommand } from './export.js';
import { featureCommand } from './feature.js';
import { figuresCommand } from './figures.js';
import { generateCommand } from './generate.js';
import { inspectCommand } from './inspect.js';
import { makeModelCommand } from './make-model.js';
import { makeSaesCommand } from './make-saes.js';
import { residualCommand } from './residual.js';
import { matchCommand } from './match.js';
import { mergeCommand } from './merge.js';
import { runsCommand } from './runs.js';
import { serveCommand } from './serve.js';
import { steerCommand } from './steer.js';

/** Every headless job; each command lives in its own file beside this one. */
export const COMMANDS: Command[] = [
  analyzeCommand,
  mergeCommand,
  residualCommand,
  matchCommand,
  runsCommand,
  clusterCommand,
  exportCommand,
  featureCommand,
  figuresCommand,
  activationsCommand,
  correlateCommand,
  generateCommand,
  steerCommand,
  inspectCommand,
  serveCommand,
  demoCommand,
  makeModelCommand,
  makeSaesCommand,
];
