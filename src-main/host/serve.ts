import { dirname, join } from 'node:path';
import { engineRecognizers } from '../api/recognizers.js';
import { Studio } from '../api/studio.js';
import type { JobLauncher } from '../workers/process-adapter.js';
import { BrowserHost } from './browser-host.js';
import { createToken } from './security.js';
import { pruneUploads } from './uploads.js';

export interface ServeOptions {
  databasePath: string;
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  launcher?: JobLauncher;
  parallelRuns?: number;
}

export interface Serving {
  studio: Studio;
  host: BrowserHost;
  close(): Promise<void>;
}

/** The browser host and the services behind it, over one database; uploads live beside the database. */
export async function startServing(options: ServeOptions): Promise<Serving> {
  const studio = new Studio({
    databasePath: options.databasePath,
    host: 'browser',
    recognizers: engineRecognizers(),
    launcher: options.launcher,
    parallelRuns: options.parallelRuns,
  });
  try {
    const uploadDir = join(dirname(options.databasePath), 'uploads');
    pruneUploads(uploadDir, studio.library.list().map((item) => item.path));
    const host = await BrowserHost.start({
      studio,
      rendererDir: options.rendererDir,
      uploadDir,
      port: options.port,
      token: createToken(),
    });
    const close = async () => {
      await host.close();
      studio.close();
    };
    return { studio, host, close };
  } catch (error) {
    studio.close();
    throw error;
  }
}
