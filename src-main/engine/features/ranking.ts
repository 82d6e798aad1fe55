/** The indices of the `count` largest values, largest first, ties → smaller index; `skip` is left out. */
export function largestIndices(values: ArrayLike<number>, count: number, skip = -1): number[] {
  const kept: number[] = [];
  for (let index = 0; index < values.length; index++) {
    if (index === skip) continue;
    const value = values[index];
    if (kept.length === count && !(value > values[kept[count - 1]])) continue;
    let at = kept.length === count ? count - 1 : kept.length;
    while (at > 0 && value > values[kept[at - 1]]) at--;
    kept.splice(at, 0, index);
    if (kept.length > count) kept.pop();
  }
  return kept;
}
