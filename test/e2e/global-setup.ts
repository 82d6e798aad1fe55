import type { TestProject } from 'vitest/node';
import { describeError } from '../../src-main/shared/errors.js';
import { ensureRenderer } from '../../src-main/host/renderer-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the renderer did not build, for the e2e harness to report; absent when it built. */
    rendererBuildError?: string;
  }
}

/** Builds the renderer once for every e2e file; a failed build fails the e2e tests only, not the unit tests. */
export default async function setup(project: TestProject): Promise<void> {
  try {
    await ensureRenderer();
  } catch (error) {
    project.provide('rendererBuildError', describeError(error).message);
  }
}
