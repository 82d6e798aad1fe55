import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { isVerbose } from '../verbose.js';
import { GraphBuilder } from './graph.js';

/** Plain CommonJS for `node -e`: opens a one-Add session on the provider and prints {ok} or {message}. */
const PROBE_SCRIPT = `
const [runtimePath, provider, graph] = process.argv.slice(1);
const ort = require(runtimePath);
(async () => {
  try {
    const session = await ort.InferenceSession.create(Buffer.from(graph, 'base64'), { executionProviders: [provider], logSeverityLevel: 4 });
    await session.run({ x: new ort.Tensor('float32', new Float32Array(2), [2]) });
    await session.release();
    process.stdout.write(JSON.stringify({ ok: true }));
  } catch (error) {
    process.stdout.write(JSON.stringify({ ok: false, message: String((error && error.message) || error) }));
  }
})();
`;

/** How long a probe may take: GPU drivers can be slow to answer the first time, never minutes. */
const PROBE_TIMEOUT_MS = 60_000;

function probeGraph(): string {
  const graph = new GraphBuilder('probe');
  const input = graph.input('x', 'float', [2]);
  graph.node('Add', [input, graph.floats([1, 2])], undefined, { output: 'y' });
  graph.output('y', 'float', [2]);
  return Buffer.from(graph.toBytes()).toString('base64');
}

/**
 * Runs a tiny session on `provider` in a child process and throws onnxruntime's message when it cannot run. A child,
 * because GPU runtimes print straight to stderr as they load (Dawn: "Couldn't load Vulkan …"); that stays out of the
 * terminal unless --verbose.
 */
export function probeInChildProcess(provider: string): Promise<void> {
  const runtimePath = createRequire(import.meta.url).resolve('onnxruntime-node');
  const args = ['-e', PROBE_SCRIPT, runtimePath, provider, probeGraph()];
  // Electron's own binary behaves as Node with ELECTRON_RUN_AS_NODE; plain Node ignores it.
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env, timeout: PROBE_TIMEOUT_MS, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (isVerbose() && stderr) process.stderr.write(stderr);
      const answer = parseAnswer(stdout);
      if (answer?.ok) resolve();
      else reject(new Error(answer?.message ?? `the probe process stopped (${error?.signal ?? error?.message ?? 'no answer'})`));
    });
  });
}

function parseAnswer(stdout: string): { ok: boolean; message?: string } | undefined {
  try {
    return JSON.parse(stdout) as { ok: boolean; message?: string };
  } catch {
    return undefined;
  }
}
