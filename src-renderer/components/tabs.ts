import { nextTab } from './tab-order.js';

/** Moves the selection and the focus together, as a keyboard user expects of a tab list. */
export function onTabKey(event: KeyboardEvent, ids: readonly string[], current: string, select: (id: string) => void): void {
  const next = nextTab(ids, current, event.key);
  if (next === undefined) return;
  event.preventDefault();
  select(next);
  const list = event.currentTarget as HTMLElement;
  list.querySelector<HTMLElement>(`[role="tab"][data-tab="${next}"]`)?.focus();
}
