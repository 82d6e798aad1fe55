#!/usr/bin/env node
// Readies `npm start` and `npm run dev`: fetches Electron's binary if missing, and builds better-sqlite3 for
// Electron's ABI into resources/native/electron, leaving node_modules' Node build for the CLI and the tests.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const nativeFolder = join(root, 'resources', 'native', 'electron');
const bindingFile = join(nativeFolder, 'better_sqlite3.node');
const markerFile = join(nativeFolder, 'better_sqlite3.json');

function packageFolder(name) {
  return dirname(require.resolve(`${name}/package.json`));
}

function versionOf(name) {
  return JSON.parse(readFileSync(join(packageFolder(name), 'package.json'), 'utf8')).version;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  return result.status === 0;
}

function electronBinaryPresent() {
  const folder = packageFolder('electron');
  const pathFile = join(folder, 'path.txt');
  return existsSync(pathFile) && existsSync(join(folder, 'dist', readFileSync(pathFile, 'utf8').trim()));
}

/** Runs Electron's own installer, which package.json's allowScripts skips during npm install so that CI stays offline-friendly. */
function ensureElectronBinary() {
  if (electronBinaryPresent()) return;
  console.log('Fetching the Electron binary...');
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  delete env.npm_config_electron_skip_binary_download;
  if (!run(process.execPath, [join(packageFolder('electron'), 'install.js')], { env }) || !electronBinaryPresent()) {
    throw new Error('Could not fetch the Electron binary; check the network, or run `node node_modules/electron/install.js` to see why.');
  }
}

function bindingUpToDate(versions) {
  if (!existsSync(bindingFile) || !existsSync(markerFile)) return false;
  const recorded = JSON.parse(readFileSync(markerFile, 'utf8'));
  return recorded.electron === versions.electron && recorded.betterSqlite3 === versions.betterSqlite3;
}

/** A throwaway app holding a copy of better-sqlite3, so neither build touches node_modules. */
function stageCopy() {
  const app = mkdtempSync(join(tmpdir(), 'sae-studio-sqlite-'));
  const copy = join(app, 'node_modules', 'better-sqlite3');
  cpSync(packageFolder('better-sqlite3'), copy, { recursive: true, filter: (path) => !path.includes(`${join('better-sqlite3', 'build')}`) });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'sae-studio-sqlite-build', version: '0.0.0' }));
  return { app, copy };
}

function prebuilt(copy, electron) {
  const bin = join(packageFolder('prebuild-install'), 'bin.js');
  return run(process.execPath, [bin, '--runtime', 'electron', '--target', electron, '--arch', process.arch, '--platform', process.platform], { cwd: copy });
}

async function compiled(app, electron) {
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: app, electronVersion: electron, arch: process.arch, onlyModules: ['better-sqlite3'], force: true });
  return true;
}

async function ensureElectronSqlite() {
  const versions = { electron: versionOf('electron'), betterSqlite3: versionOf('better-sqlite3') };
  if (bindingUpToDate(versions)) return;
  console.log(`Building better-sqlite3 ${versions.betterSqlite3} for Electron ${versions.electron}...`);
  const { app, copy } = stageCopy();
  try {
    const built = prebuilt(copy, versions.electron) || (await compiled(app, versions.electron));
    const output = join(copy, 'build', 'Release', 'better_sqlite3.node');
    if (!built || !existsSync(output)) throw new Error('Could not fetch or build better-sqlite3 for Electron.');
    mkdirSync(nativeFolder, { recursive: true });
    copyFileSync(output, bindingFile);
    writeFileSync(markerFile, `${JSON.stringify(versions, null, 2)}\n`);
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

try {
  ensureElectronBinary();
  await ensureElectronSqlite();
} catch (error) {
  console.error(`prepare-electron: ${error.message}`);
  process.exit(1);
}
