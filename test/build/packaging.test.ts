import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, matchesGlob } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const require = createRequire(join(root, 'package.json'));

interface FileSet {
  from: string;
  to: string;
  filter?: string[];
}

interface BuilderConfig {
  /** The loader normalises the list into one { filter } set. */
  files: { filter: string[] }[];
  asarUnpack: string[];
  extraResources: FileSet[];
  npmRebuild: boolean;
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[] };
  electronFuses: Record<string, boolean>;
}

/** electron-builder's own loader and schema check, so a typo fails here rather than at release time. */
async function loadBuilderConfig(): Promise<BuilderConfig> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = require('builder-util');
  const config = await getConfig(root, join(root, 'build/electron-builder.yml'), null);
  await validateConfiguration(config, new DebugLogger(false));
  return config as BuilderConfig;
}

describe('electron-builder configuration', () => {
  let config: BuilderConfig;
  beforeAll(async () => {
    config = await loadBuilderConfig();
  });

  it('turns off run-as-node, NODE_OPTIONS and --inspect, and turns on cookie encryption and asar integrity', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('targets AppImage and deb, NSIS, and dmg', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it('unpacks every native file of better-sqlite3 and onnxruntime-node from the asar', () => {
    const natives = [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
      'node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll',
    ];
    for (const file of natives) expect(config.asarUnpack.some((pattern) => matchesGlob(file, pattern)), file).toBe(true);
  });

  it('ships the built app and the Electron build of better-sqlite3 without rebuilding node_modules', () => {
    const files = config.files.flatMap((set) => set.filter);
    expect(files).toContain('out/**/*');
    expect(files).toContain('package.json');
    expect(config.npmRebuild).toBe(false);
    expect(config.extraResources).toContainEqual({ from: 'resources/native/electron', to: 'native', filter: ['*.node'] });
    const main = readFileSync(join(root, 'src-main/electron/main.ts'), 'utf8');
    expect(main).toContain("join(process.resourcesPath, 'native', 'better_sqlite3.node')");
    const prepare = readFileSync(join(root, 'build/scripts/prepare-electron.mjs'), 'utf8');
    expect(prepare).toContain("join(root, 'resources', 'native', 'electron')");
  });

  it('prepares Electron before starting or packaging it', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(manifest.main).toBe('out/main/index.js');
    expect(manifest.scripts.start).toMatch(/^node build\/scripts\/prepare-electron\.mjs && electron-vite /);
    expect(manifest.scripts.dist).toMatch(/^node build\/scripts\/prepare-electron\.mjs && electron-vite build && electron-builder /);
    expect(existsSync(join(root, 'build/scripts/prepare-electron.mjs'))).toBe(true);
  });
});

describe('electron-vite build', () => {
  const outRoot = mkdtempSync(join(tmpdir(), 'sae-build-'));
  beforeAll(async () => {
    process.env.SAE_STUDIO_BUILD_DIR = outRoot;
    const { build } = await import('electron-vite');
    await build({ configFile: join(root, 'electron.vite.config.ts'), logLevel: 'warn' });
  });
  afterAll(() => {
    delete process.env.SAE_STUDIO_BUILD_DIR;
    rmSync(outRoot, { recursive: true, force: true });
  });

  it('emits the main, worker, preload and renderer entry points', () => {
    for (const file of ['main/index.js', 'main/worker.js', 'preload/index.cjs', 'renderer/index.html']) {
      expect(existsSync(join(outRoot, file)), file).toBe(true);
    }
  });

  it('leaves native modules and Electron outside the main bundle', () => {
    const main = readFileSync(join(outRoot, 'main/index.js'), 'utf8');
    expect(main).toMatch(/from "electron"/);
    expect(main).not.toContain('function Database(');
    const chunks = [main, ...['worker.js'].map((file) => readFileSync(join(outRoot, 'main', file), 'utf8'))].join('\n');
    expect(chunks).not.toContain('onnxruntime_binding');
  });

  it('builds a CommonJS preload that needs nothing but electron, as the sandbox requires', () => {
    const preload = readFileSync(join(outRoot, 'preload/index.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    expect(required).toEqual(['electron']);
    expect(preload).not.toMatch(/^import /m);
    expect(preload).toContain('exposeInMainWorld("saeStudio"');
  });

  it('builds a renderer that loads its assets relative to index.html, as file:// needs', () => {
    const index = readFileSync(join(outRoot, 'renderer/index.html'), 'utf8');
    expect(index).toMatch(/src="\.\/assets\/index-[\w-]+\.js"/);
    expect(index).toContain('Content-Security-Policy');
  });
});
