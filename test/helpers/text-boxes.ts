/** A text element's box in figure pixels, estimated here independently of the layout code. */
export interface TextBox {
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A deliberately generous width: 0.6 em per character, wider than Arial's average for mixed text. */
const EM_PER_CHARACTER = 0.6;

function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

/** The six numbers of an SVG transform: translate(x y) or matrix(a,b,c,d,e,f). */
function matrixOf(transform: string | undefined): number[] {
  if (!transform) return [1, 0, 0, 1, 0, 0];
  const numbers = (transform.match(/-?[\d.]+(?:e-?\d+)?/g) ?? []).map(Number);
  if (transform.startsWith('translate')) return [1, 0, 0, 1, numbers[0] ?? 0, numbers[1] ?? 0];
  if (transform.startsWith('matrix')) return numbers;
  throw new Error(`unexpected transform ${transform}`);
}

function boxOf(tag: string, text: string): TextBox {
  const size = Number(attribute(tag, 'font-size') ?? 12);
  const width = text.length * EM_PER_CHARACTER * size;
  const anchor = attribute(tag, 'text-anchor') ?? 'start';
  const x = Number(attribute(tag, 'x') ?? 0) - (anchor === 'middle' ? width / 2 : anchor === 'end' ? width : 0);
  const y = Number(attribute(tag, 'y') ?? 0);
  const [a, b, c, d, e, f] = matrixOf(attribute(tag, 'transform'));
  const corners = [[x, y - 0.8 * size], [x + width, y - 0.8 * size], [x, y + 0.2 * size], [x + width, y + 0.2 * size]].map(([px, py]) => [a * px + c * py + e, b * px + d * py + f]);
  const xs = corners.map((corner) => corner[0]);
  const ys = corners.map((corner) => corner[1]);
  return { text, left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
}

/** Every non-empty <text> of an SVG as a box. */
export function textBoxes(svg: string): TextBox[] {
  return [...svg.matchAll(/(<text\b[^>]*>)([^<]*)<\/text>/g)].filter((match) => match[2].trim()).map((match) => boxOf(match[1], unescape(match[2])));
}

/** Pairs of boxes that overlap by more than `tolerance` pixels both ways. */
export function overlappingPairs(boxes: TextBox[], tolerance = 1): [string, string][] {
  const pairs: [string, string][] = [];
  boxes.forEach((first, index) => {
    for (const second of boxes.slice(index + 1)) {
      const across = Math.min(first.right, second.right) - Math.max(first.left, second.left);
      const down = Math.min(first.bottom, second.bottom) - Math.max(first.top, second.top);
      if (across > tolerance && down > tolerance) pairs.push([first.text, second.text]);
    }
  });
  return pairs;
}
