/** Where long jobs report: a bar per layer and a line per finished stage. Hosts render it (CLI: tqdm-style lines; UI: bars). */
export interface ProgressSink {
  bar(label: string, done: number, total: number): void;
  stage(line: string): void;
}

export const silentProgress: ProgressSink = { bar() {}, stage() {} };

export class CancelledError extends Error {
  constructor() {
    super('Cancelled by the user.');
    this.name = 'CancelledError';
  }
}

/** A cooperative cancel flag that long loops check between windows. */
export interface CancelSignal {
  readonly cancelled: boolean;
}

export function throwIfCancelled(signal: CancelSignal | undefined): void {
  if (signal?.cancelled) throw new CancelledError();
}
