/** Axis-aligned box in figure pixels. */
export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A point to label, in pixels, with its label's size. */
export interface LabelRequest {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a label went; `moved` labels sit away from their point and want a leader line. */
export interface Placement extends Box {
  moved: boolean;
}

export interface Obstacle {
  x: number;
  y: number;
  radius: number;
}

/** Right, left, above, below, then the four diagonals. */
const DIRECTIONS: [number, number][] = [[1, 0], [-1, 0], [0, -1], [0, 1], [1, -1], [1, 1], [-1, -1], [-1, 1]];
/** Rings of candidate positions tried around a point before taking the least crowded one. */
const RINGS = 8;

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function coversPoint(box: Box, point: Obstacle): boolean {
  const dx = Math.max(box.left - point.x, 0, point.x - box.right);
  const dy = Math.max(box.top - point.y, 0, point.y - box.bottom);
  return dx * dx + dy * dy < point.radius * point.radius;
}

function candidate(request: LabelRequest, direction: [number, number], distance: number): Box {
  const [dx, dy] = direction;
  const centerX = request.x + dx * (distance + request.width / 2);
  const centerY = request.y + dy * (distance + request.height / 2);
  return { left: centerX - request.width / 2, top: centerY - request.height / 2, right: centerX + request.width / 2, bottom: centerY + request.height / 2 };
}

function inside(box: Box, bounds: Box): boolean {
  return box.left >= bounds.left && box.right <= bounds.right && box.top >= bounds.top && box.bottom <= bounds.bottom;
}

/** How many things a box would sit on: placed labels and points; outside the panel counts as many. */
function crowding(box: Box, placed: Box[], points: Obstacle[], bounds: Box): number {
  const labels = placed.filter((other) => overlaps(box, other)).length;
  const covered = points.filter((point) => coversPoint(box, point)).length;
  return (inside(box, bounds) ? 0 : 1000) + 10 * labels + covered;
}

/**
 * Places labels in order (most important first): next to the point where that is free, else on a wider ring with a
 * leader line; a label with no free place takes the least crowded one, so none is ever dropped.
 */
export function placeLabels(requests: LabelRequest[], points: Obstacle[], bounds: Box, gap: number): Placement[] {
  const placed: Placement[] = [];
  for (const request of requests) {
    let best: { box: Box; score: number; ring: number } | undefined;
    for (let ring = 0; ring < RINGS && best?.score !== 0; ring++) {
      const distance = gap + ring * request.height * 1.5;
      for (const direction of DIRECTIONS) {
        const box = candidate(request, direction, distance);
        const score = crowding(box, placed, points, bounds);
        if (!best || score < best.score) best = { box, score, ring };
        if (score === 0) break;
      }
    }
    placed.push({ ...best!.box, moved: best!.ring > 0 });
  }
  return placed;
}
