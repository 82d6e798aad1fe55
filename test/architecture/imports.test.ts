import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, parseImports, readImportGraph, ruleViolations, type ImportGraph } from './import-rules.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('import directions of the code itself', () => {
  const graph = readImportGraph(ROOT, ['src-main', 'src-renderer']);

  it('reads a graph of the whole source', () => {
    expect(Object.keys(graph).length).toBeGreaterThan(100);
    expect(graph['src-main/api/studio.ts'].map((edge) => edge.target)).toContain('src-main/api/run-service.ts');
  });

  it('breaks none of the direction rules', () => {
    expect(ruleViolations(graph).map(({ rule, file, target }) => `${file} → ${target}: ${rule}`)).toEqual([]);
  });

  it('has no import circles', () => {
    expect(importCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });
});

describe('parseImports', () => {
  it('finds static, re-exported, side-effect and dynamic imports, telling type-only ones apart', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import { type C, type D } from './c.js';",
      "import { type E, f } from './e.js';",
      "export { g } from './g.js';",
      "export type { H } from './h.js';",
      "import './side.js';",
      "// import { commented } from './nope.js';",
      "const lazy = await import('./lazy.js');",
      "import * as echarts from 'echarts';",
      "export const quoted = 'x';",
      "export function later() { return 1; }",
    ].join('\n');
    expect(parseImports(text)).toEqual([
      { specifier: './a.js', typeOnly: false },
      { specifier: './b.js', typeOnly: true },
      { specifier: './c.js', typeOnly: true },
      { specifier: './e.js', typeOnly: false },
      { specifier: './g.js', typeOnly: false },
      { specifier: './h.js', typeOnly: true },
      { specifier: 'echarts', typeOnly: false },
      { specifier: './side.js', typeOnly: false },
      { specifier: './lazy.js', typeOnly: false },
    ]);
  });
});

describe('the rules, on a made-up graph that breaks each of them', () => {
  const value = (target: string) => ({ target, typeOnly: false });
  const type = (target: string) => ({ target, typeOnly: true });
  const broken: ImportGraph = {
    'src-renderer/views/A.svelte': [value('src-main/api/validate.ts'), type('src-main/api/contract.ts'), value('src-main/shared/hooks.ts')],
    'src-main/shared/x.ts': [type('src-main/engine/model/types.ts'), value('node:fs'), value('echarts'), type('echarts')],
    'src-main/engine/stats/run.ts': [type('src-main/store/runs.ts'), value('src-main/shared/x.ts')],
    'src-main/store/runs.ts': [type('src-main/api/contract.ts')],
    'src-main/workers/job.ts': [value('src-main/api/run-service.ts')],
    'src-main/bench/b.ts': [value('src-main/cli/command.ts')],
    'src-main/cli/c.ts': [value('src-main/bench/b.ts')],
    'src-main/api/contract.ts': [type('src-main/api/studio.ts')],
    'src-main/api/studio.ts': [value('src-main/api/run-service.ts')],
    'src-main/api/run-service.ts': [value('src-main/api/contract.ts')],
  };

  it('names every forbidden import and only those', () => {
    expect(ruleViolations(broken).map(({ file, target }) => `${file} → ${target}`)).toEqual([
      'src-renderer/views/A.svelte → src-main/api/validate.ts',
      'src-main/shared/x.ts → src-main/engine/model/types.ts',
      'src-main/shared/x.ts → node:fs',
      'src-main/shared/x.ts → echarts',
      'src-main/engine/stats/run.ts → src-main/store/runs.ts',
      'src-main/store/runs.ts → src-main/api/contract.ts',
      'src-main/workers/job.ts → src-main/api/run-service.ts',
      'src-main/bench/b.ts → src-main/cli/command.ts',
      'src-main/cli/c.ts → src-main/bench/b.ts',
    ]);
  });

  it('reports each circle, type-only links included, as the path that closes it', () => {
    expect(importCycles(broken)).toEqual([
      ['src-main/api/contract.ts', 'src-main/api/studio.ts', 'src-main/api/run-service.ts', 'src-main/api/contract.ts'],
    ]);
  });
});
