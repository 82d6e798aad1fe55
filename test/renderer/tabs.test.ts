import { describe, expect, it } from 'vitest';
import { nextTab } from '../../src-renderer/components/tab-order.js';

describe('nextTab', () => {
  const ids = ['quantiles', 'density', 'count'];

  it('moves right and left with wrap-around, and jumps with Home and End', () => {
    expect(nextTab(ids, 'quantiles', 'ArrowRight')).toBe('density');
    expect(nextTab(ids, 'count', 'ArrowRight')).toBe('quantiles');
    expect(nextTab(ids, 'quantiles', 'ArrowLeft')).toBe('count');
    expect(nextTab(ids, 'density', 'Home')).toBe('quantiles');
    expect(nextTab(ids, 'density', 'End')).toBe('count');
  });

  it('leaves other keys to the browser', () => {
    expect(nextTab(ids, 'density', 'Enter')).toBeUndefined();
  });
});
