import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** One import of one file: the repository path it names (or the bare package / node: specifier) and whether only types cross. */
export interface ImportEdge {
  target: string;
  typeOnly: boolean;
}

/** Every source file (repository-relative path) with its imports. */
export type ImportGraph = Record<string, ImportEdge[]>;

// An import clause holds names, braces, commas and `* as`: never a quote, semicolon, parenthesis or `=`.
const STATEMENT = /(?:^|[;\n}])\s*(import|export)\s+(type\s+)?([^;'"()=]*?)\s+from\s+['"]([^'"]+)['"]/g;
const SIDE_EFFECT = /(?:^|[;\n])\s*import\s+['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Only types cross when the statement says `import type`, or every name in its braces does. */
function onlyTypes(typeKeyword: string | undefined, clause: string): boolean {
  if (typeKeyword) return true;
  const braces = /^\{([\s\S]*)\}$/.exec(clause.trim());
  if (!braces) return false;
  const names = braces[1].split(',').map((name) => name.trim()).filter(Boolean);
  return names.length > 0 && names.every((name) => name.startsWith('type '));
}

/** The specifiers a module's text imports, statically or dynamically, with whether each brings only types. */
export function parseImports(text: string): { specifier: string; typeOnly: boolean }[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: { specifier: string; typeOnly: boolean }[] = [];
  for (const match of code.matchAll(STATEMENT)) found.push({ specifier: match[4], typeOnly: onlyTypes(match[2], match[3]) });
  for (const match of code.matchAll(SIDE_EFFECT)) found.push({ specifier: match[1], typeOnly: false });
  for (const match of code.matchAll(DYNAMIC)) found.push({ specifier: match[1], typeOnly: false });
  return found;
}

function resolveRelative(root: string, from: string, specifier: string): string {
  const base = resolve(root, dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  const hit = candidates.find((path) => existsSync(path) && statSync(path).isFile()) ?? base;
  return relative(root, hit);
}

function sourceFiles(root: string, folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((path) => /\.(ts|svelte)$/.test(path) && !path.endsWith('.d.ts'))
    .map((path) => join(folder, path));
}

/** The import graph of the given folders, read from disk. */
export function readImportGraph(root: string, folders: string[]): ImportGraph {
  const graph: ImportGraph = {};
  for (const file of folders.flatMap((folder) => sourceFiles(root, folder))) {
    const text = readFileSync(join(root, file), 'utf8');
    graph[file] = parseImports(text).map(({ specifier, typeOnly }) => ({
      target: specifier.startsWith('.') ? resolveRelative(root, file, specifier) : specifier,
      typeOnly,
    }));
  }
  return graph;
}

const inside = (path: string, folder: string) => path.startsWith(`${folder}/`);
const isProject = (target: string) => inside(target, 'src-main') || inside(target, 'src-renderer') || inside(target, 'test');

interface Rule {
  name: string;
  breaks(file: string, edge: ImportEdge): boolean;
}

const ENGINE_MUST_NOT_KNOW = ['api', 'store', 'workers', 'host', 'electron', 'cli', 'bench'].map((floor) => `src-main/${floor}`);

/** The house's directions of import (see ../shared/STYLE.md, "Layout that shows the architecture"). */
export const RULES: Rule[] = [
  {
    name: 'the renderer takes only types from src-main, values only from src-main/shared',
    breaks: (file, edge) => inside(file, 'src-renderer') && inside(edge.target, 'src-main') && !inside(edge.target, 'src-main/shared') && !edge.typeOnly,
  },
  {
    name: 'src-main/shared imports nothing outside itself, no node: module, and packages only as types',
    breaks: (file, edge) =>
      inside(file, 'src-main/shared') &&
      (edge.target.startsWith('node:') || (isProject(edge.target) ? !inside(edge.target, 'src-main/shared') : !edge.typeOnly)),
  },
  {
    name: 'engine imports nothing, not even types, from api, store, workers, hosts, electron, cli or bench',
    breaks: (file, edge) => inside(file, 'src-main/engine') && ENGINE_MUST_NOT_KNOW.some((floor) => inside(edge.target, floor)),
  },
  {
    name: 'store and workers import nothing from api',
    breaks: (file, edge) => (inside(file, 'src-main/store') || inside(file, 'src-main/workers')) && inside(edge.target, 'src-main/api'),
  },
  {
    name: 'bench and cli do not import each other',
    breaks: (file, edge) =>
      (inside(file, 'src-main/bench') && inside(edge.target, 'src-main/cli')) || (inside(file, 'src-main/cli') && inside(edge.target, 'src-main/bench')),
  },
];

export interface Violation {
  rule: string;
  file: string;
  target: string;
}

export function ruleViolations(graph: ImportGraph): Violation[] {
  return Object.entries(graph).flatMap(([file, edges]) =>
    edges.flatMap((edge) => RULES.filter((rule) => rule.breaks(file, edge)).map((rule) => ({ rule: rule.name, file, target: edge.target }))),
  );
}

/** Import circles among the graph's own files: one per back edge of a depth-first walk, as the path that closes it (a → b → a). */
export function importCycles(graph: ImportGraph): string[][] {
  const next = (file: string) => [...new Set((graph[file] ?? []).map((edge) => edge.target).filter((target) => target in graph))];
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const target of next(file)) {
      if (state.get(target) === 'open') cycles.push([...stack.slice(stack.indexOf(target)), target]);
      else if (!state.has(target)) visit(target);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of Object.keys(graph).sort()) if (!state.has(file)) visit(file);
  return cycles;
}
