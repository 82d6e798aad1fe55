import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubernetesOptions } from '../../engine/cluster/kubernetes.js';
import { checkAbsolute, newRunId, type ClusterPlan } from '../../engine/cluster/plan.js';
import { submitSlurm } from '../../engine/cluster/submit.js';
import { writeKubernetesFiles, writeSlurmFiles, type ClusterFiles } from '../../engine/cluster/write.js';
import { InputError } from '../../shared/errors.js';
import { CLUSTER_SETTINGS_SCHEMA, DEFAULT_IMAGE, DEFAULT_VOLUME_CLAIM, readClusterSettings, type ClusterSettings } from '../../shared/settings/cluster-settings.js';
import { RUN_SETTINGS_SCHEMA } from '../../shared/settings/run-settings.js';
import { flagOf, flagsOf } from '../../shared/settings/schema.js';
import { databaseFlag, databaseOption, parseCommandLine, stringOption, type Command, type ParsedOptions } from '../command.js';
import { settingFlags, settingsFromFlags } from '../setting-flags.js';
import { analyzeCommand } from './analyze.js';

const TARGETS = ['slurm', 'k8s'] as const;
type Target = (typeof TARGETS)[number];

// Flags the cluster chooses for each task, flags that belong to the merge, and each target's own flags.
const CHOSEN_PER_TASK = ['shard', 'shard-out', 'run-id'];
const NOT_PER_TASK = ['db', 'export'];
const TARGET_FLAGS: Record<Target, string[]> = { slurm: ['partition', 'time', 'submit'], k8s: ['image', 'volume-claim', 'namespace', 'parallelism', 'out'] };
const KUBERNETES_SHARED_DIR = '/shared';

export const clusterCommand: Command = {
  name: 'cluster',
  summary: 'Write (and for Slurm, submit) a sharded analyze as a Slurm array job or a Kubernetes Indexed Job, plus the merge job',
  positionals: 'slurm|k8s --shards N … -- analyze',
  options: {
    ...settingFlags(CLUSTER_SETTINGS_SCHEMA),
    'shared-dir': {
      type: 'string',
      value: 'DIR',
      description: `Folder every task reaches, for the shard files (Slurm: also the scripts, default ./sae-studio-RUN; Kubernetes: the volume's mount path in the pods, default ${KUBERNETES_SHARED_DIR})`,
    },
    cli: {
      type: 'string',
      value: 'COMMAND',
      description: "How a task runs the CLI, words split at spaces (Slurm default: this node binary and this checkout's src-main/cli/bin.js, at the same paths on every node; Kubernetes: the image's entrypoint)",
    },
    db: { ...databaseFlag(), description: `Studio database the merge job records the run in (Slurm default: ~/.sae-studio/studio.db; Kubernetes: ${KUBERNETES_SHARED_DIR}/studio.db)` },
    submit: { type: 'boolean', description: 'Slurm: submit both jobs with sbatch and print their ids' },
    out: { type: 'string', value: 'DIR', description: 'Kubernetes: folder for the manifests (default: the current folder)' },
  },
  async run(options, positionals) {
    const target = targetOf(positionals[0], options);
    const analyze = analyzeFlags(positionals.slice(1), target);
    const settings = settingsFromFlags(CLUSTER_SETTINGS_SCHEMA, options, { command: clusterCommand, read: readClusterSettings });
    const files = target === 'slurm' ? slurm(options, settings, analyze) : kubernetes(options, settings, analyze);
    console.log(`Run ${files.runId}: ${settings.shards} shards.`);
    for (const file of files.files) console.log(`Wrote ${file}`);
    if (options.submit === true) return submit(files);
    console.log(`Run them with:\n${files.commands.map((line) => `  ${line}`).join('\n')}`);
    return 0;
  },
};

/** slurm or k8s, refusing the other target's flags so a mistyped target cannot pass unnoticed. */
function targetOf(name: string | undefined, options: ParsedOptions): Target {
  if (!TARGETS.includes(name as Target)) throw new InputError(`Name the cluster first: 'sae-studio cluster slurm …' or 'sae-studio cluster k8s …', not '${name ?? ''}'.`);
  const target = name as Target;
  const other = TARGETS.find((candidate) => candidate !== target)!;
  const foreign = TARGET_FLAGS[other].find((flag) => options[flag] !== undefined);
  if (foreign) throw new InputError(`--${foreign} is for 'cluster ${other}', not 'cluster ${target}'.`);
  return target;
}

function given(args: string[], flag: string): boolean {
  return args.some((arg) => arg === `--${flag}` || arg.startsWith(`--${flag}=`));
}

/** The analyze part after `--`, checked as analyze checks it and written back as flags with absolute paths. */
function analyzeFlags(args: string[], target: Target): string[] {
  if (args[0] !== 'analyze') throw new InputError(`Give the run after '--': sae-studio cluster ${target} --shards N -- analyze --model DIR --sae PATH --dataset FILE ….`);
  const rest = args.slice(1);
  const chosen = CHOSEN_PER_TASK.find((flag) => given(rest, flag));
  if (chosen) throw new InputError(`Leave --${chosen} out of the analyze part: the cluster chooses --shard, --shard-out and --run-id for each task.`);
  const merged = NOT_PER_TASK.find((flag) => given(rest, flag));
  if (merged) throw new InputError(`Leave --${merged} out of the analyze part: the merge job records the run (give --db before '--'; export it afterwards with 'sae-studio export').`);
  const { options } = parseCommandLine(analyzeCommand, rest);
  if (target === 'k8s') checkContainerPaths(options);
  return flagsOf(RUN_SETTINGS_SCHEMA, settingsFromFlags(RUN_SETTINGS_SCHEMA, options, { command: analyzeCommand }));
}

/** In a pod, this machine's working folder means nothing: inputs must be given as the container sees them. */
function checkContainerPaths(options: ParsedOptions): void {
  for (const [key, field] of Object.entries(RUN_SETTINGS_SCHEMA)) {
    if (!('path' in field && field.path)) continue;
    const values = [options[flagOf(key, field)]].flat().filter((value): value is string => typeof value === 'string');
    for (const value of values) checkAbsolute(value, `--${flagOf(key, field)} (a path inside the container)`);
  }
}

function cliWords(options: ParsedOptions, fallback: string[]): string[] {
  const text = stringOption(options, 'cli');
  return text === undefined ? fallback : text.trim().split(/\s+/).filter(Boolean);
}

function slurm(options: ParsedOptions, settings: ClusterSettings, analyze: string[]): ClusterFiles {
  const runId = newRunId();
  const plan: ClusterPlan = {
    shards: settings.shards,
    runId,
    sharedDir: resolve(stringOption(options, 'shared-dir') ?? `sae-studio-${runId}`),
    cli: cliWords(options, [process.execPath, fileURLToPath(new URL('../bin.js', import.meta.url))]),
    analyze,
    database: databaseOption(options),
  };
  return writeSlurmFiles(plan, { partition: settings.partition, gpusPerTask: settings.gpusPerTask, time: settings.time });
}

function kubernetes(options: ParsedOptions, settings: ClusterSettings, analyze: string[]): ClusterFiles {
  const sharedDir = stringOption(options, 'shared-dir') ?? KUBERNETES_SHARED_DIR;
  checkAbsolute(sharedDir, '--shared-dir (the mount path inside the pods)');
  const database = stringOption(options, 'db') ?? `${sharedDir}/studio.db`;
  checkAbsolute(database, '--db (a path inside the merge pod)');
  const plan: ClusterPlan = { shards: settings.shards, runId: newRunId(), sharedDir, cli: cliWords(options, []), analyze, database };
  const kubernetesOptions: KubernetesOptions = { ...settings, image: settings.image ?? DEFAULT_IMAGE, volumeClaim: settings.volumeClaim ?? DEFAULT_VOLUME_CLAIM };
  return writeKubernetesFiles(plan, kubernetesOptions, resolve(stringOption(options, 'out') ?? '.'));
}

function submit(files: ClusterFiles): number {
  const jobs = submitSlurm(files.files);
  console.log(`Submitted array job ${jobs.arrayJob} and merge job ${jobs.mergeJob} (it starts once every shard has succeeded).`);
  return 0;
}
