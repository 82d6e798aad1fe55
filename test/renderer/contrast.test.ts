import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

/** WCAG 2 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((offset) => parseInt(hex.slice(offset, offset + 2), 16) / 255);
  const linear = channels.map((value) => (value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4));
  return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
}

function contrast(first: string, second: string): number {
  const [light, dark] = [luminance(first), luminance(second)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}

/** The background and text colour a rule of a view's stylesheet sets. */
function ruleColours(file: string, selector: string): { background: string; color: string } {
  const source = readFileSync(`${root}/${file}`, 'utf8');
  const body = new RegExp(`\\${selector}\\s*\\{([^}]*)\\}`).exec(source)?.[1] ?? '';
  const read = (property: string) => new RegExp(`(?:^|[;\\s])${property}:\\s*(#[0-9a-f]{6})`, 'i').exec(body)?.[1] ?? '';
  return { background: read('background'), color: read('color') };
}

describe('badge colours', () => {
  it.each([
    ['src-renderer/views/LibraryView.svelte', '.badge-error', 'Not recognised'],
    ['src-renderer/views/RunsView.svelte', '.state-finished', 'Finished'],
  ])('%s %s (%s) reaches 4.5:1', (file, selector) => {
    const { background, color } = ruleColours(file, selector);
    expect(background).toMatch(/^#/);
    expect(color).toMatch(/^#/);
    expect(contrast(background, color)).toBeGreaterThanOrEqual(4.5);
  });
});
