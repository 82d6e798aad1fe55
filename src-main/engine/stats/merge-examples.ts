import { CONTEXT_WIDTH, type FeatureExamples } from './top-examples.js';

/** True when example a of `left` ranks before example b of `right`: larger value, then smaller (window, position). */
function ranksFirst(left: FeatureExamples, a: number, right: FeatureExamples, b: number): boolean {
  if (left.values[a] !== right.values[b]) return left.values[a] > right.values[b];
  if (left.windows[a] !== right.windows[b]) return left.windows[a] < right.windows[b];
  return left.positions[a] < right.positions[b];
}

/** Room for every example both sides keep, trimmed to the real total once merged. */
function emptyExamples(perFeature: number, featureCount: number, capacity: number): FeatureExamples {
  return {
    perFeature,
    offsets: new Int32Array(featureCount + 1),
    windows: new Int32Array(capacity),
    positions: new Int32Array(capacity),
    values: new Float32Array(capacity),
    contexts: new Uint16Array(capacity * CONTEXT_WIDTH),
  };
}

function copyExample(from: FeatureExamples, k: number, to: FeatureExamples, target: number): void {
  to.windows[target] = from.windows[k];
  to.positions[target] = from.positions[k];
  to.values[target] = from.values[k];
  to.contexts.set(from.contexts.subarray(k * CONTEXT_WIDTH, (k + 1) * CONTEXT_WIDTH), target * CONTEXT_WIDTH);
}

function trimmed(examples: FeatureExamples, total: number): FeatureExamples {
  return {
    ...examples,
    windows: examples.windows.slice(0, total),
    positions: examples.positions.slice(0, total),
    values: examples.values.slice(0, total),
    contexts: examples.contexts.slice(0, total * CONTEXT_WIDTH),
  };
}

/**
 * The best `perFeature` examples of each feature among two runs over disjoint windows, best first. Each side already holds
 * its own best ones under the same order, so the union's best are among them and one merge pass per feature finds them.
 */
export function mergeExamples(left: FeatureExamples, right: FeatureExamples): FeatureExamples {
  const featureCount = left.offsets.length - 1;
  const merged = emptyExamples(left.perFeature, featureCount, left.values.length + right.values.length);
  let target = 0;
  for (let feature = 0; feature < featureCount; feature++) {
    let a = left.offsets[feature];
    let b = right.offsets[feature];
    const [aEnd, bEnd] = [left.offsets[feature + 1], right.offsets[feature + 1]];
    for (let kept = 0; kept < left.perFeature && (a < aEnd || b < bEnd); kept++) {
      if (b >= bEnd || (a < aEnd && ranksFirst(left, a, right, b))) copyExample(left, a++, merged, target++);
      else copyExample(right, b++, merged, target++);
    }
    merged.offsets[feature + 1] = target;
  }
  return trimmed(merged, target);
}
