import { spawn } from 'node:child_process';

const OPENERS: Partial<Record<NodeJS.Platform, [string, string[]]>> = {
  darwin: ['open', []],
  win32: ['cmd', ['/c', 'start', '""']],
};

/** Best effort: a machine without a browser still has the printed address. */
export function openInBrowser(url: string): void {
  const [command, args] = OPENERS[process.platform] ?? ['xdg-open', []];
  try {
    const child = spawn(command, [...args, url], { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
  } catch {
    // Nothing to do: the address is already on screen.
  }
}
