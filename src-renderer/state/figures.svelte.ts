import type { FigureExportRequest, FigureFormat } from '../../src-main/api/contract.js';
import { DEFAULT_EXPORT_SETTINGS, rasterizeFlag, type FigureExportSettings, type RasterizeMode } from '../../src-main/shared/figures/export-settings.js';
import type { StatsExport } from '../../src-main/shared/stats.js';
import { getApi } from '../api/index.js';
import { DEFAULT_FIGURE_SETTINGS, type FigureSettings } from '../../src-main/shared/figures/settings.js';
import { messageOf } from './errors.js';

export interface ExportChoices {
  fontScale: number;
  scale: number;
  rasterize: RasterizeMode;
  /** Points in one panel above which 'auto' embeds them as a PNG. */
  rasterThreshold: number;
  /** Pixel density of those embedded images. */
  rasterResolution: number;
}

export const DEFAULT_EXPORT_CHOICES: ExportChoices = { fontScale: 1, scale: 2, rasterize: 'auto', rasterThreshold: DEFAULT_EXPORT_SETTINGS.rasterThreshold, rasterResolution: DEFAULT_EXPORT_SETTINGS.rasterResolution };

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

/** The opened run's statistics, the figure settings and the export choices. */
export class FiguresState {
  #runId = $state<string | undefined>(undefined);
  #stats = $state.raw<StatsExport | undefined>(undefined);
  #loading = $state(false);
  #exporting = $state<string | undefined>(undefined);
  #error = $state<string | undefined>(undefined);
  #settings = $state<FigureSettings>({ ...DEFAULT_FIGURE_SETTINGS });
  #choices = $state<ExportChoices>({ ...DEFAULT_EXPORT_CHOICES });

  /** Deeply reactive: form fields bind to its properties. */
  get settings(): FigureSettings {
    return this.#settings;
  }

  get choices(): ExportChoices {
    return this.#choices;
  }

  get runId(): string | undefined {
    return this.#runId;
  }

  get stats(): StatsExport | undefined {
    return this.#stats;
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

  async open(runId: string): Promise<void> {
    this.#runId = runId;
    this.#stats = undefined;
    this.#loading = true;
    this.#error = undefined;
    try {
      this.#stats = await getApi().invoke('runs.stats', { runId });
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

  /** The settings on screen go with every export, so the file matches what the user sees. */
  #exportRequest(runId: string, family: string, format: FigureFormat): FigureExportRequest {
    const { fontScale, scale, rasterize, rasterThreshold, rasterResolution } = $state.snapshot(this.#choices);
    const { fontScale: _screenFontScale, ...figure } = $state.snapshot(this.#settings);
    const settings: FigureExportSettings = { ...figure, rasterThreshold, rasterResolution };
    const flag = rasterizeFlag(rasterize);
    return { runId, family, format, fontScale, scale, settings, ...(flag === undefined ? {} : { rasterize: flag }) };
  }
}
