/** The active (f > 0) entries of one activation row, gathered once so every accumulator reads a short list. */
export class ActiveValues {
  readonly indices: Int32Array;
  readonly values: Float32Array;
  size = 0;

  constructor(capacity: number) {
    this.indices = new Int32Array(capacity);
    this.values = new Float32Array(capacity);
  }

  /** Gathers the positive entries of features[offset, offset + length). */
  collect(features: Float32Array, offset: number, length: number): this {
    let size = 0;
    for (let index = 0; index < length; index++) {
      const value = features[offset + index];
      if (value > 0) {
        this.indices[size] = index;
        this.values[size++] = value;
      }
    }
    this.size = size;
    return this;
  }
}
