import { describe, expect, it } from 'vitest';
import { ALLOCATOR_ENV } from '../../src-main/engine/onnx/allocator.js';
import { CancelledError } from '../../src-main/engine/progress.js';
import { NATIVE_BINDING_VARIABLE } from '../../src-main/store/database.js';
import {
  JobFailedError,
  ProcessJobLauncher,
  spawnForkedWorker,
  type WorkerProcess,
} from '../../src-main/workers/process-adapter.js';
import { enableProbeJobs, PROBE_CRASH_EXIT_CODE, probeInput } from './probe-job.js';

enableProbeJobs();

function recordingLauncher(cancelGraceMs = 5_000) {
  const workers: WorkerProcess[] = [];
  const launcher = new ProcessJobLauncher({
    cancelGraceMs,
    spawn: () => {
      const worker = spawnForkedWorker();
      workers.push(worker);
      return worker;
    },
  });
  return { launcher, workers };
}

/** A probe that hangs, returned once it has reported its first step. */
async function startHangingProbe(launcher: ProcessJobLauncher) {
  let started!: () => void;
  const firstStep = new Promise<void>((resolve) => (started = resolve));
  const job = launcher.launch('probe', probeInput({ steps: 2, behaviour: 'hang' }), { progress: () => started() });
  await firstStep;
  return job;
}

describe('ProcessJobLauncher', () => {
  it('runs the probe in a child process and streams its progress and stage lines', async () => {
    const progress: string[] = [];
    const lines: string[] = [];
    const job = new ProcessJobLauncher().launch('probe', probeInput({ steps: 4 }), {
      progress: (label, done, total) => progress.push(`${label} ${done}/${total}`),
      log: (line) => lines.push(line),
    });
    const result = (await job.result) as { steps: number; pid: number };
    expect(result.steps).toBe(4);
    expect(result.pid).not.toBe(process.pid);
    expect(progress).toEqual(['probe 1/4', 'probe 2/4', 'probe 3/4', 'probe 4/4']);
    expect(lines).toEqual(['Probe - Finished 4 steps']);
  });

  it("reports the job's own error message", async () => {
    const job = new ProcessJobLauncher().launch('probe', probeInput({ steps: 2, behaviour: 'fail' }));
    await expect(job.result).rejects.toThrow(new JobFailedError('The probe was asked to fail.'));
  });

  it('rejects a malformed payload with a one-sentence message', async () => {
    const job = new ProcessJobLauncher().launch('probe', probeInput({ steps: -1 }));
    await expect(job.result).rejects.toThrow('The probe job: settings.steps must be a whole number of at least 1, not -1.');
  });

  it('refuses a payload without a run id, and a kind nobody registered', async () => {
    const { runId: _, ...withoutRun } = probeInput({ steps: 1 });
    const job = new ProcessJobLauncher().launch('probe', withoutRun as ReturnType<typeof probeInput>);
    await expect(job.result).rejects.toThrow('The probe job: runId must be a non-empty string, not nothing.');
    const unknown = new ProcessJobLauncher().launch('nonsense', probeInput());
    await expect(unknown.result).rejects.toThrow(/^There is no job kind 'nonsense'; the kinds are statistics, (.+, )?match, probe\.$/);
  });

  it('turns a crashing worker into a failed job that names the exit', async () => {
    const job = new ProcessJobLauncher().launch('probe', probeInput({ steps: 2, behaviour: 'crash' }));
    await expect(job.result).rejects.toThrow(`The probe job's process stopped unexpectedly (exit code ${PROBE_CRASH_EXIT_CODE}).`);
  });

  it('turns a killed worker into a failed job', async () => {
    const { launcher, workers } = recordingLauncher();
    const job = await startHangingProbe(launcher);
    workers[0].kill();
    await expect(job.result).rejects.toThrow("The probe job's process stopped unexpectedly (signal SIGKILL).");
  });

  it('cancels a cooperative job between steps', async () => {
    const steps: number[] = [];
    const launcher = new ProcessJobLauncher();
    const job = launcher.launch('probe', probeInput({ steps: 1000, delayMs: 5 }), {
      progress: (_label, done) => {
        steps.push(done);
        if (done === 2) job.cancel();
      },
    });
    await expect(job.result).rejects.toBeInstanceOf(CancelledError);
    expect(steps.length).toBeLessThan(1000);
  });

  it('kills a job that ignores cancel once the grace period ends', async () => {
    const { launcher } = recordingLauncher(50);
    const job = await startHangingProbe(launcher);
    job.cancel();
    await expect(job.result).rejects.toBeInstanceOf(CancelledError);
  });
});

/** What the probe's process sees for `variable` when this process's environment has `changes` (undefined removes). */
async function probeVariable(variable: string, changes: Record<string, string | undefined>): Promise<unknown> {
  const saved = Object.fromEntries(Object.keys(changes).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(changes);
  try {
    const job = new ProcessJobLauncher().launch('probe', probeInput({ steps: 1, variable }));
    return ((await job.result) as { variableValue?: string }).variableValue;
  } finally {
    apply(saved);
  }
}

describe('spawnForkedWorker', () => {
  it.each(Object.entries(ALLOCATOR_ENV))('starts the job process with %s from ALLOCATOR_ENV, though this process lacks it', async (name, value) => {
    expect(await probeVariable(name, { [name]: undefined })).toBe(value);
  });

  it('keeps the environment it was started from, such as the SQLite binding', async () => {
    const binding = '/opt/sae-studio/better_sqlite3.node';
    expect(await probeVariable(NATIVE_BINDING_VARIABLE, { [NATIVE_BINDING_VARIABLE]: binding })).toBe(binding);
  });

  it('turns a worker whose entry is missing into a failed job', async () => {
    const launcher = new ProcessJobLauncher({ spawn: () => spawnForkedWorker('/nonexistent/sae-studio-worker.js') });
    const job = launcher.launch('probe', probeInput({ steps: 1 }));
    await expect(job.result).rejects.toThrow(/^The probe job's process stopped unexpectedly \(exit code 1\)\.$/);
  });
});
