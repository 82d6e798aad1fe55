import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A one-node Slurm (munged, slurmctld, slurmd) living in one folder, for tests; root only, as CI runs. */
export interface OneNodeSlurm {
  /** The environment Slurm's commands need: SLURM_CONF pointing at this cluster. */
  env: NodeJS.ProcessEnv;
  /** Waits for a job (array jobs: every task) to leave the queue; throws with its state and output when it did not complete. */
  waitForJob(id: string, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

const SBIN = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** A daemon's path, from PATH or the system folders (root's PATH may lack /usr/sbin). */
function program(name: string): string {
  const folders = [...(process.env.PATH ?? '').split(':'), ...SBIN];
  const found = folders.map((folder) => join(folder, name)).find((path) => existsSync(path));
  if (!found) throw new Error(`Slurm cannot start: ${name} is not installed (apt-get install -y slurm-wlm munge).`);
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): { code: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', env, timeout: 30_000 });
  return { code: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/** This host as slurmd itself describes it (name, CPUs, sockets, memory), so the node is never drained for claiming more. */
function nodeLine(): string {
  const { code, output } = run(program('slurmd'), ['-C']);
  const line = output.split('\n').find((text) => text.startsWith('NodeName='));
  if (code !== 0 || !line) throw new Error(`Slurm cannot start: 'slurmd -C' did not describe this node:\n${output}`);
  return `${line.trim()} NodeAddr=127.0.0.1 State=UNKNOWN`;
}

function slurmConf(folder: string, ports: { controller: number; node: number }, host: string): string {
  return [
    'ClusterName=saestudiotest',
    `SlurmctldHost=${host}(127.0.0.1)`,
    `SlurmctldPort=${ports.controller}`,
    `SlurmdPort=${ports.node}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${join(folder, 'munge', 'munge.socket')}`,
    `StateSaveLocation=${join(folder, 'state')}`,
    `SlurmdSpoolDir=${join(folder, 'spool')}`,
    `SlurmctldPidFile=${join(folder, 'slurmctld.pid')}`,
    `SlurmdPidFile=${join(folder, 'slurmd.pid')}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_CPU',
    'MpiDefault=none',
    'SwitchType=switch/none',
    'ReturnToService=2',
    'MinJobAge=600',
    nodeLine(),
    'PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
    '',
  ].join('\n');
}

interface Daemon {
  name: string;
  process: ChildProcess;
  log: string;
}

/** A daemon in the foreground, its output in a log file that failures quote. */
function startDaemon(folder: string, name: string, args: string[], env: NodeJS.ProcessEnv): Daemon {
  const log = join(folder, `${name}.log`);
  const output = openSync(log, 'a');
  const child = spawn(program(name), args, { env, stdio: ['ignore', output, output] });
  child.on('error', () => {});
  return { name, process: child, log };
}

function logTail(daemon: Daemon): string {
  return existsSync(daemon.log) ? readFileSync(daemon.log, 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
}

function startMunge(folder: string, env: NodeJS.ProcessEnv): Daemon {
  const munge = join(folder, 'munge');
  mkdirSync(munge, { mode: 0o700 });
  const key = join(munge, 'munge.key');
  if (!existsSync(key)) writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const paths = [`--key-file=${key}`, `--socket=${join(munge, 'munge.socket')}`, `--pid-file=${join(munge, 'munged.pid')}`, `--seed-file=${join(munge, 'seed')}`];
  return startDaemon(folder, 'munged', ['--foreground', '--force', '--num-threads=4', ...paths], env);
}

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

/** Polls until `ready` holds, failing with the daemons' logs when one has exited or time runs out. */
async function waitUntil(ready: () => boolean, daemons: Daemon[], what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    const dead = daemons.find((daemon) => daemon.process.exitCode !== null || daemon.process.signalCode !== null);
    if (dead) throw new Error(`${dead.name} exited (${dead.process.exitCode ?? dead.process.signalCode}) while waiting for ${what}:\n${logTail(dead)}`);
    if (Date.now() > deadline) throw new Error(`No ${what} after ${timeoutMs / 1000} s.\n${daemons.map((daemon) => `${daemon.name}:\n${logTail(daemon)}`).join('\n')}`);
    await sleep(500);
  }
}

function jobStates(id: string, env: NodeJS.ProcessEnv): string[] {
  const { code, output } = run('scontrol', ['show', 'job', '-o', id], env);
  return code === 0 ? [...output.matchAll(/JobState=(\S+)/g)].map((match) => match[1]) : [];
}

const FINISHED = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED'];

async function stopDaemons(daemons: Daemon[]): Promise<void> {
  for (const daemon of [...daemons].reverse()) {
    if (daemon.process.exitCode !== null || daemon.process.signalCode !== null) continue;
    const exited = new Promise((done) => daemon.process.once('exit', done));
    daemon.process.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000).then(() => daemon.process.kill('SIGKILL'))]);
  }
}

/** Starts munged, slurmctld and slurmd on this host in `folder`, and waits for the node to be idle. */
export async function startOneNodeSlurm(folder: string): Promise<OneNodeSlurm> {
  if (process.getuid?.() !== 0) throw new Error('Slurm cannot start: the one-node cluster runs its daemons as root, and this test runs as another user.');
  for (const part of ['state', 'spool']) mkdirSync(join(folder, part));
  const host = run('hostname', ['-s']).output.trim();
  const conf = join(folder, 'slurm.conf');
  writeFileSync(conf, slurmConf(folder, { controller: await freePort(), node: await freePort() }, host));
  const env = { ...process.env, SLURM_CONF: conf };
  const daemons = [startMunge(folder, env)];
  try {
    await waitUntil(() => existsSync(join(folder, 'munge', 'munge.socket')), daemons, 'munge socket', 20_000);
    daemons.push(startDaemon(folder, 'slurmctld', ['-D', '-c', '-f', conf], env));
    daemons.push(startDaemon(folder, 'slurmd', ['-D', '-f', conf], env));
    await waitUntil(() => run('sinfo', ['-h', '-N', '-o', '%T'], env).output.trim() === 'idle', daemons, 'idle node', 60_000);
  } catch (error) {
    await stopDaemons(daemons);
    throw new Error(`Slurm cannot start: ${(error as Error).message}`);
  }
  return {
    env,
    async waitForJob(id, timeoutMs) {
      await waitUntil(() => jobStates(id, env).every((state) => FINISHED.includes(state)) && jobStates(id, env).length > 0, daemons, `end of job ${id}`, timeoutMs);
      const states = jobStates(id, env);
      if (states.some((state) => state !== 'COMPLETED')) throw new Error(`Slurm job ${id} ended ${states.join(', ')}:\n${run('scontrol', ['show', 'job', id], env).output}`);
    },
    stop: () => stopDaemons(daemons),
  };
}
