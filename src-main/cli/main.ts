import { describeError } from '../shared/errors.js';
import { commandHelp, parseCommandLine, type Command } from './command.js';
import { COMMANDS } from './commands/index.js';

function overview(): string {
  const rows = COMMANDS.map((command) => `  ${command.name.padEnd(14)} ${command.summary}`);
  return ['Usage: sae-studio COMMAND [options]', '', 'Commands:', ...rows, '', "Run 'sae-studio COMMAND --help' for a command's options."].join('\n');
}

async function runCommand(command: Command, argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(commandHelp(command));
    return 0;
  }
  const { options, positionals } = parseCommandLine(command, argv);
  return command.run(options, positionals);
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
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
