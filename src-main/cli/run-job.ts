import { RunService } from '../api/run-service.js';
import { InputError } from '../shared/errors.js';
import type { JobKindName, JobSettings } from '../shared/jobs.js';
import type { RunRecord } from '../store/runs.js';
import { terminalProgress } from './progress.js';

/** Runs one job of any kind in a child process through the app's run service, rendering its progress here. */
export async function runJobInTerminal<K extends JobKindName>(kind: K, settings: JobSettings[K], databasePath: string): Promise<RunRecord> {
  const service = new RunService({ databasePath });
  let release = () => {};
  try {
    const run = service.start(kind, settings);
    release = stopOnSignal(service, run.id);
    console.log(`Run ${run.id}`);
    const progress = terminalProgress({ bars: process.stderr, lines: process.stdout });
    service.onEvent((event) => {
      if (event.type === 'run.progress' && event.runId === run.id) progress.bar(event.label, event.done, event.total);
      if (event.type === 'run.stage' && event.runId === run.id) progress.stage(event.line);
    });
    const finished = await service.wait(run.id);
    if (finished.state !== 'finished') throw new InputError(finished.message ?? `Run ${run.id} ended ${finished.state}.`);
    return finished;
  } finally {
    release();
    service.close();
  }
}

const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Ctrl-C or SIGTERM records the run as interrupted and stops its job before this process exits. */
function stopOnSignal(service: RunService, runId: string): () => void {
  const stop = (signal: NodeJS.Signals) => {
    service.close();
    console.error(`Run ${runId} interrupted by ${signal}.`);
    process.exit(SIGNAL_EXIT_CODES[signal]);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
}
