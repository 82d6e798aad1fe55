/** A feature page as every side reads it (features.md): the engine builds it, the screen, CLI and export show it. */

/** Token ids with their values, strongest first. */
export type TokenValues = [number, number][];

export interface LogitEffect {
  top: TokenValues;
  bottom: TokenValues;
}

/** Feature indices with their decoder cosines, nearest first. */
export type Neighbours = [number, number][];

/** One feature's statistics (statistics.md names) with its quantiles at the run's levels. */
export interface FeatureSummary {
  count: number;
  density: number;
  mean: number;
  std: number;
  max: number;
  mean_all: number;
  quantiles: { levels: number[]; values: number[] };
}

/** An example with its window's tokens from position − span to position + span, and the feature on each. */
export interface PageExample {
  window: number;
  position: number;
  value: number;
  tokens: number[];
  /** Index of the example token in `tokens`. */
  center: number;
  activations: number[];
}

export interface FeaturePage {
  hook: string;
  index: number;
  featureCount: number;
  summary: FeatureSummary;
  /** Examples the run kept per feature: null when the run predates examples, 0 when they were turned off. */
  recorded: number | null;
  examples: PageExample[];
  histogram: { edges: number[]; counts: number[] } | null;
  logit_effect: LogitEffect | null;
  neighbours: Neighbours | null;
  /** Why logit effects and neighbours are missing: the model or SAE could not be read. */
  weightsError?: string;
  /** Decoded text of every token id the page shows. */
  tokenText: Record<number, string>;
}

/** Why a page has no examples, in words; undefined when it has them. */
export function missingExamplesReason(page: Pick<FeaturePage, 'recorded' | 'examples'>): string | undefined {
  if (page.recorded === null) return 'Examples were not recorded: this run predates them.';
  if (page.recorded === 0) return 'Examples were turned off for this run (--examples 0).';
  if (page.examples.length === 0) return 'This feature was never active, so it has no examples.';
  return undefined;
}

/** A token as shown: newlines and tabs made visible so each example stays on one line. */
export function visibleToken(text: string): string {
  return text.replace(/\n/g, '⏎').replace(/\t/g, '⇥');
}

/** An example's context as text with the example token in brackets. */
export function exampleText(example: PageExample, tokenText: Record<number, string>): string {
  return example.tokens
    .map((token, k) => {
      const text = visibleToken(tokenText[token] ?? `<${token}>`);
      return k === example.center ? `[${text}]` : text;
    })
    .join('');
}

/** The one hue of the activation ramp: token backgrounds run from white (0) to this (the feature's max). */
export const ACTIVATION_COLOR = '#1f4e9c';
/** Black, not the app's text grey: with it every background reaches 4.5:1 against black or white (WCAG AA). */
const DARK_TEXT = '#000000';
const LIGHT_TEXT = '#ffffff';

function channels(hex: string): number[] {
  return [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16));
}

function toHex(values: number[]): string {
  return `#${values.map((value) => Math.round(value).toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG relative luminance of an sRGB colour. */
function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((value) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** A token's background for its activation (negative and zero are white) and whichever text colour reads better on it. */
export function activationStyle(activation: number, max: number): { background: string; color: string } {
  const t = max > 0 ? Math.min(1, Math.max(0, activation / max)) : 0;
  const background = toHex(channels(ACTIVATION_COLOR).map((channel) => 255 + t * (channel - 255)));
  const color = contrastRatio(background, DARK_TEXT) >= contrastRatio(background, LIGHT_TEXT) ? DARK_TEXT : LIGHT_TEXT;
  return { background, color };
}
