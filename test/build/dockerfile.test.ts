import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const dockerfile = readFileSync(join(root, 'build/Dockerfile'), 'utf8');

// Docker is not installed here: these read the Dockerfile as docker would, instruction by instruction.
function instructions(name: string): string[] {
  return dockerfile.split('\n').filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1));
}

describe('build/Dockerfile', () => {
  it('copies only paths that exist, each let through by its .dockerignore', () => {
    const sources = instructions('COPY').flatMap((line) => line.split(/\s+/).slice(0, -1));
    const ignore = readFileSync(join(root, 'build/Dockerfile.dockerignore'), 'utf8');
    expect(sources.length).toBeGreaterThan(2);
    for (const source of sources) {
      expect(existsSync(join(root, source)), source).toBe(true);
      expect(ignore.split('\n'), source).toContain(`!${source}`);
    }
  });

  it('runs the CLI that the repository holds, on the Node major version CI runs', () => {
    const [entrypoint] = instructions('ENTRYPOINT').map((line) => JSON.parse(line) as string[]);
    expect(entrypoint[0]).toBe('node');
    expect(entrypoint[1].startsWith('/app/')).toBe(true);
    expect(existsSync(join(root, entrypoint[1].slice('/app/'.length)))).toBe(true);
    expect(instructions('FROM')).toEqual(['node:20-bookworm-slim']);
    expect(instructions('WORKDIR')).toEqual(['/app']);
  });
});
