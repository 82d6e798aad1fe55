/**
 * Advance widths of Helvetica (the metrics Arial and Liberation Sans share), in thousandths of an em, for
 * printable ASCII from the space on; the layout measures text with them, as no DOM is there to ask.
 */
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
  556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/** Wide enough for the letters outside ASCII that figures use (×, −, ·, …). */
const OTHER_WIDTH = 600;

/** Pixel width of one line of text at a font size. */
export function textWidth(text: string, fontSize: number): number {
  let units = 0;
  for (const character of text) {
    const code = character.charCodeAt(0);
    units += code >= 32 && code < 127 ? ASCII_WIDTHS[code - 32] : OTHER_WIDTH;
  }
  return (units * fontSize) / 1000;
}

/** Breaks text at spaces into lines no wider than `width` (a word wider than that keeps a line to itself). */
export function wrapText(text: string, fontSize: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && textWidth(candidate, fontSize) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  return line ? [...lines, line] : lines;
}
