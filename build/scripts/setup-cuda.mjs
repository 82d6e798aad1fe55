#!/usr/bin/env node
// Fetches onnxruntime's CUDA 12 provider libraries, which npm cannot ship (too large), by running
// onnxruntime-node's own installer with its "install cuda12" flag.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const INSTALL_FLAG = 'cuda12';

const packageRoot = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..');
const installer = join(packageRoot, 'script', 'install.js');
const providerFolder = join(packageRoot, 'bin', 'napi-v6', process.platform, process.arch);

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`onnxruntime-node ships a CUDA provider only for linux/x64, not ${process.platform}/${process.arch}.`);
  process.exit(1);
}
if (!existsSync(installer)) {
  console.error(`onnxruntime-node's installer is missing at ${installer}; reinstall onnxruntime-node.`);
  process.exit(1);
}

console.log(`Running ${installer} --onnxruntime-node-install=${INSTALL_FLAG}`);
console.log(`It downloads Microsoft.ML.OnnxRuntime.Gpu.Linux from nuget.org and copies the CUDA provider into ${providerFolder}.`);
const result = spawnSync(process.execPath, [installer, `--onnxruntime-node-install=${INSTALL_FLAG}`], {
  cwd: packageRoot,
  stdio: 'inherit',
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: INSTALL_FLAG },
});
if (result.status !== 0) {
  console.error('The CUDA provider could not be installed (see above). The CPU provider still works.');
  process.exit(result.status ?? 1);
}
const installed = existsSync(join(providerFolder, 'libonnxruntime_providers_cuda.so'));
console.log(installed ? 'CUDA provider installed; run with --device cuda (CUDA 12 and cuDNN 9 must be on the library path).' : 'The installer finished but the CUDA provider is still missing.');
process.exit(installed ? 0 : 1);
