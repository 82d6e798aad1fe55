import type { Command } from '../command.js';
import { activationsCommand } from './activations.js';

/** Every headless job; each command lives in its own file beside this one. */
export const COMMANDS: Command[] = [activationsCommand];
