import type { FigureExportRequest } from '../../src-main/api/contract.js';
import {
  DEFAULT_FIGURE_SETTINGS,
  DEFAULT_FORMAT_OPTIONS,
  type FigureFormat,
  type FigureSettings,
  type FormatOptions,
} from '../../src-main/shared/figures/settings.js';
import type { ResidualStats } from '../../src-main/shared/residual.js';
import type { StatsExport } from '../../src-main/shared/stats.js';
import { getApi } from '../api/index.js';
import { messageOf } from './errors.js';

/** Saves a file the host sent as base64, through a temporary link. */
export function download(fileName: string, mimeType: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The opened run's statistics, the figure settings and the file options. */
export class FiguresState {
  #runId = $state<string | undefined>(undefined);
  #stats = $state.raw<StatsExport | undefined>(undefined);
  #residual = $state.raw<ResidualStats | undefined>(undefined);
  #loading = $state(false);
  #exporting = $state<string | undefined>(undefined);
  #error = $state<string | undefined>(undefined);
  #settings = $state<FigureSettings>({ ...DEFAULT_FIGURE_SETTINGS });
  #output = $state<FormatOptions>({ ...DEFAULT_FORMAT_OPTIONS });

  /** Deeply reactive: form fields bind to its properties. */
  get settings(): FigureSettings {
    return this.#settings;
  }

  /** Deeply reactive, as settings. */
  get output(): FormatOptions {
    return this.#output;
  }

  get runId(): string | undefined {
    return this.#runId;
  }

  get stats(): StatsExport | undefined {
    return this.#stats;
  }

  /** A residual run's statistics, when the opened run is one; its figures are the residual families. */
  get residual(): ResidualStats | undefined {
    return this.#residual;
  }

  get loading(): boolean {
    return this.#loading;
  }

  get exporting(): string | undefined {
    return this.#exporting;
  }

  get error(): string | undefined {
    return this.#error;
  }

  async open(runId: string, kind = 'statistics'): Promise<void> {
    this.#runId = runId;
    this.#stats = undefined;
    this.#residual = undefined;
    this.#loading = true;
    this.#error = undefined;
    try {
      if (kind === 'residual') this.#residual = await getApi().invoke('runs.residual', { runId });
      else this.#stats = await getApi().invoke('runs.stats', { runId });
    } catch (error) {
      this.#error = messageOf(error);
    } finally {
      this.#loading = false;
    }
  }

  async export(family: string, format: FigureFormat): Promise<void> {
    if (!this.#runId) return;
    this.#exporting = `${family}.${format}`;
    this.#error = undefined;
    try {
      const file = await getApi().invoke('figures.export', this.#exportRequest(this.#runId, family, format));
      download(file.fileName, file.mimeType, file.base64);
    } catch (error) {
      this.#error = messageOf(error);
    } finally {
      this.#exporting = undefined;
    }
  }

  /** The settings on screen, font scale included, go with every export, so the file matches what the user sees. */
  #exportRequest(runId: string, family: string, format: FigureFormat): FigureExportRequest {
    return { runId, family, format, settings: $state.snapshot(this.#settings), output: $state.snapshot(this.#output) };
  }
}
