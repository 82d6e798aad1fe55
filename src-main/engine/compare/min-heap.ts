/** A binary min-heap of (key, item) pairs in growable typed arrays; stale entries are skipped by the caller. */
export class MinHeap {
  #keys = new Float64Array(1024);
  #items = new Int32Array(1024);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#size = 0;
  }

  push(key: number, item: number): void {
    if (this.#size === this.#keys.length) this.#grow();
    let slot = this.#size++;
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (this.#keys[parent]! <= key) break;
      this.#keys[slot] = this.#keys[parent]!;
      this.#items[slot] = this.#items[parent]!;
      slot = parent;
    }
    this.#keys[slot] = key;
    this.#items[slot] = item;
  }

  /** The smallest key; read it before pop. */
  peekKey(): number {
    return this.#keys[0]!;
  }

  /** Removes the smallest entry and returns its item. */
  pop(): number {
    const top = this.#items[0]!;
    const size = --this.#size;
    const key = this.#keys[size]!;
    const item = this.#items[size]!;
    let slot = 0;
    for (let child = 1; child < size; child = 2 * slot + 1) {
      if (child + 1 < size && this.#keys[child + 1]! < this.#keys[child]!) child++;
      if (this.#keys[child]! >= key) break;
      this.#keys[slot] = this.#keys[child]!;
      this.#items[slot] = this.#items[child]!;
      slot = child;
    }
    this.#keys[slot] = key;
    this.#items[slot] = item;
    return top;
  }

  #grow(): void {
    const keys = new Float64Array(this.#keys.length * 2);
    const items = new Int32Array(this.#items.length * 2);
    keys.set(this.#keys);
    items.set(this.#items);
    this.#keys = keys;
    this.#items = items;
  }
}
