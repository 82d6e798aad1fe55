import { DEFAULT_PARALLEL_RUNS } from '../../api/run-service.js';
import { InputError } from '../../shared/errors.js';
import { openInBrowser } from '../../host/open-browser.js';
import { ensureRenderer } from '../../host/renderer-build.js';
import { startServing } from '../../host/serve.js';
import { databaseFlag, databaseOption, integerOption, numberFlag, type Command, type ParsedOptions } from '../command.js';

const HIGHEST_PORT = 65_535;

function portOption(options: ParsedOptions): number {
  const port = integerOption(options, 'port', 0) ?? 0;
  if (port > HIGHEST_PORT) throw new InputError(`--port must be at most ${HIGHEST_PORT}, not '${port}'.`);
  return port;
}

function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the app to a browser on 127.0.0.1 and print its address with the access token',
  options: {
    port: numberFlag('Port to listen on (0 picks a free one)', 0),
    'parallel-runs': numberFlag('Runs that may go at once; the others wait in the queue', DEFAULT_PARALLEL_RUNS),
    db: databaseFlag(),
    'no-open': { type: 'boolean', description: 'Print the address without opening a browser' },
    rebuild: { type: 'boolean', description: 'Build the renderer even when it looks up to date' },
  },
  async run(options) {
    const port = portOption(options);
    const databasePath = databaseOption(options);
    const rendererDir = await ensureRenderer(options.rebuild === true);
    const parallelRuns = integerOption(options, 'parallel-runs', 1) ?? DEFAULT_PARALLEL_RUNS;
    const serving = await startServing({ databasePath, rendererDir, port, parallelRuns });
    console.log(`SAE Studio is serving ${databasePath}`);
    console.log(`Open ${serving.host.url}`);
    if (options['no-open'] !== true) openInBrowser(serving.host.openUrl());
    await untilStopped();
    await serving.close();
    return 0;
  },
};
