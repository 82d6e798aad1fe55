import { describeError } from '../shared/errors.js';
import { VERBOSE_VARIABLE } from '../engine/verbose.js';
import { commandHelp, parseCommandLine, type Command } from './command.js';
import { COMMANDS } from './commands/index.js';

const VERBOSE_FLAG = '--verbose';

function overview(): string {
  const rows = COMMANDS.map((command) => `  ${command.name.padEnd(14)} ${command.summary}`);
  const verbose = `Every command takes ${VERBOSE_FLAG}: native libraries' own messages (GPU probing) then reach the terminal.`;
  return ['Usage: sae-studio COMMAND [options]', '', 'Commands:', ...rows, '', "Run 'sae-studio COMMAND --help' for a command's options.", verbose].join('\n');
}

/** --verbose works with every command; job processes inherit it through the environment. */
function takeVerbose(argv: string[]): string[] {
  if (!argv.includes(VERBOSE_FLAG)) return argv;
  process.env[VERBOSE_VARIABLE] = '1';
  return argv.filter((arg) => arg !== VERBOSE_FLAG);
}

async function runCommand(command: Command, argv: string[]): Promise<number> {
  // What follows `--` belongs to another command (cluster's analyze part), so its --help is not ours.
  const own = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (own.includes('--help') || own.includes('-h')) {
    console.log(commandHelp(command));
    return 0;
  }
  const { options, positionals } = parseCommandLine(command, argv);
  return command.run(options, positionals);
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = takeVerbose(argv);
  if (!name || name === '--help' || name === '-h') {
    console.log(overview());
    return name ? 0 : 1;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    console.error(`Unknown command '${name}'.\n\n${overview()}`);
    return 2;
  }
  try {
    return await runCommand(command, rest);
  } catch (error) {
    const { message, details } = describeError(error);
    console.error(`Error: ${message}`);
    if (details && process.env.SAE_STUDIO_DEBUG) console.error(details);
    return 1;
  }
}
