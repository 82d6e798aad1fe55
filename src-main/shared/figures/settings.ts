import type { PayloadReader } from '../settings/payload-reader.js';
import { defaultsOf, readSettings, type SettingsOf, type SettingsSchema } from '../settings/schema.js';

/** Every knob of a figure, one row each: the figures view, its export, the CLI's flags and the API's checks read it. */
export const FIGURE_SETTINGS_SCHEMA = {
  shareAxes: {
    type: 'boolean',
    default: true,
    flag: 'independent-axes',
    negated: true,
    flagHint: 'Give each layer panel its own axis ranges',
    label: 'Share axes',
    hint: 'One axis range for all layer panels, so layers compare at a glance',
    group: 'Figure',
  },
  panelAspect: { type: 'number', min: 0.1, max: 4, default: 0.62, label: 'Panel aspect', hint: 'Panel height over width', group: 'Figure' },
  outlierThreshold: {
    type: 'number',
    min: 0.1,
    max: 100,
    default: 3.5,
    label: 'Outlier threshold',
    hint: 'Robust z-score (MAD) above which a position is labelled',
    value: 'Z',
    group: 'Figure',
  },
  densityBins: { type: 'integer', min: 2, max: 1000, default: 50, label: 'Density bins', hint: 'Histogram bins for log10 feature density', group: 'Figure' },
  pointSize: { type: 'number', min: 0.1, max: 50, default: 2, label: 'Point size (px)', hint: 'Scatter point size in pixels', value: 'PX', group: 'Figure' },
  layerOpacity: { type: 'number', min: 0.01, max: 1, default: 0.35, label: 'Layer opacity', hint: 'Point opacity in the all-layers figure', group: 'Figure' },
  width: { type: 'integer', min: 200, max: 10_000, default: 1280, label: 'Width (px)', hint: 'Figure width in pixels; the height follows from the panels', value: 'PX', group: 'Export' },
  fontScale: { type: 'number', min: 0.5, max: 4, default: 1, label: 'Font scale', hint: 'Multiply font sizes and the margins that hold text, e.g. 2 for slides', group: 'Export' },
  rasterThreshold: {
    type: 'integer',
    min: 0,
    max: 1e9,
    default: 10_000,
    label: 'Raster threshold',
    hint: 'Points in one panel above which auto embeds them as PNG',
    group: 'Export',
  },
  rasterResolution: { type: 'number', min: 0.5, max: 16, default: 3, label: 'Raster resolution', hint: 'Pixel density of embedded point images', value: 'X', group: 'Export' },
} as const satisfies SettingsSchema;

export type FigureSettings = SettingsOf<typeof FIGURE_SETTINGS_SCHEMA>;

export const DEFAULT_FIGURE_SETTINGS = defaultsOf(FIGURE_SETTINGS_SCHEMA) as FigureSettings;

export function readFigureSettings(reader: PayloadReader): FigureSettings {
  return readSettings(FIGURE_SETTINGS_SCHEMA, reader);
}

export const FIGURE_FORMATS = ['svg', 'png'] as const;
export type FigureFormat = (typeof FIGURE_FORMATS)[number];

/** Whether dense points go in as an embedded PNG: by the raster threshold, always, or never. */
export const RASTERIZE_MODES = ['auto', 'on', 'off'] as const;
export type RasterizeMode = (typeof RASTERIZE_MODES)[number];

/** How a figure becomes a file, beside what it shows. */
export const FORMAT_OPTIONS_SCHEMA = {
  scale: { type: 'number', min: 0.5, max: 8, default: 2, label: 'PNG scale', hint: 'PNG pixels per figure pixel; 2 stays sharp on high-density screens', value: 'X', group: 'Export' },
  rasterize: { type: 'choice', choices: RASTERIZE_MODES, default: 'auto', label: 'Rasterize dense points', hint: 'Embed dense scatter points as PNG', group: 'Export' },
} as const satisfies SettingsSchema;

export type FormatOptions = SettingsOf<typeof FORMAT_OPTIONS_SCHEMA>;

export const DEFAULT_FORMAT_OPTIONS = defaultsOf(FORMAT_OPTIONS_SCHEMA) as FormatOptions;

export function readFormatOptions(reader: PayloadReader): FormatOptions {
  return readSettings(FORMAT_OPTIONS_SCHEMA, reader);
}

export const FIGURE_FONT_FAMILY = 'Arial, Helvetica, Liberation Sans, DejaVu Sans, sans-serif';

export interface FontSizes {
  title: number;
  subtitle: number;
  axisLabel: number;
  axisName: number;
  note: number;
}

export function fontSizes(settings: FigureSettings): FontSizes {
  const scaled = (size: number) => Math.round(size * settings.fontScale * 10) / 10;
  return { title: scaled(16), subtitle: scaled(12), axisLabel: scaled(10), axisName: scaled(11), note: scaled(10) };
}
