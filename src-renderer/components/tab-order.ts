/** The tab an arrow key moves to (WAI-ARIA tabs): Left and Right wrap around, Home and End jump; other keys none. */
export function nextTab(ids: readonly string[], current: string, key: string): string | undefined {
  const index = ids.indexOf(current);
  if (key === 'ArrowRight') return ids[(index + 1) % ids.length];
  if (key === 'ArrowLeft') return ids[(index - 1 + ids.length) % ids.length];
  if (key === 'Home') return ids[0];
  if (key === 'End') return ids.at(-1);
  return undefined;
}
