export interface SvgPieces {
  defs: string;
  body: string;
}

/** How far below the anchor the alphabetic baseline sits, in em, for each dominant-baseline ECharts writes. */
const BASELINE_SHIFT: Record<string, number> = {
  central: 0.35,
  middle: 0.35,
  hanging: 0.8,
  'text-before-edge': 0.8,
  ideographic: -0.21,
  'text-after-edge': -0.21,
  alphabetic: 0,
  auto: 0,
};

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Splits ECharts' SVG into its defs and drawable body, dropping the hover stylesheet and the background. */
export function svgPieces(svg: string, prefix: string): SvgPieces {
  const inner = svg.replace(/^[\s\S]*?<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
  const withoutStyle = inner.replace(/<style[\s\S]*?<\/style>/g, '');
  const defs = [...withoutStyle.matchAll(/<defs\s*>([\s\S]*?)<\/defs>/g)].map((match) => match[1]).join('');
  const body = withoutStyle.replace(/<defs\s*>[\s\S]*?<\/defs>/g, '').replace(/^\s*<rect width="[\d.]+" height="[\d.]+" x="0" y="0"[^>]*><\/rect>/, '');
  const cleanBody = convertTexts(cleanMarkup(body, prefix));
  return { defs: referencedClipPaths(cleanMarkup(defs, prefix), cleanBody), body: cleanBody };
}

/** Clip paths whose drawing was dropped (empty series) go too, so no definition points at nothing. */
function referencedClipPaths(defs: string, body: string): string {
  return defs.replace(/<clipPath id="([^"]+)"[^>]*>[\s\S]*?<\/clipPath>/g, (element, id: string) => (body.includes(`url(#${id})`) ? element : '')).trim();
}

function isInvisiblePath(tag: string): boolean {
  const transparentBox = /fill-opacity="0"/.test(tag) && /stroke-width="0"/.test(tag);
  const hitArea = /fill="none"/.test(tag) && !/\sstroke="/.test(tag);
  const empty = /\sd=""/.test(tag);
  return transparentBox || hitArea || empty;
}

/** Drops ECharts' hover classes, metadata and invisible hit areas, and gives clip ids a per-part prefix. */
function cleanMarkup(markup: string, prefix: string): string {
  return markup
    .replace(/<path\b[^>]*><\/path>/g, (tag) => (isInvisiblePath(tag) ? '' : tag))
    .replace(/\s(?:class|pointer-events|ecmeta_[a-z_]+)="[^"]*"/g, '')
    .replace(/zr\d+-/g, `${prefix}-`)
    .replace(/<g[^>]*>\s*<\/g>/g, '')
    .replace(/\n\s*\n/g, '\n')
    .trim();
}

interface Font {
  family: string;
  size: number;
  weight?: string;
  style?: string;
}

function parseFontStyle(style: string): { font: Font; rest: string[] } {
  const declarations = style.split(';').map((part) => part.trim()).filter(Boolean);
  const font: Font = { family: 'sans-serif', size: 12 };
  const rest: string[] = [];
  for (const declaration of declarations) {
    const [name, ...valueParts] = declaration.split(':');
    const value = valueParts.join(':').trim();
    if (name.trim() === 'font') Object.assign(font, parseFontShorthand(value));
    else if (name.trim() === 'font-size') font.size = parseFloat(value);
    else if (name.trim() === 'font-family') font.family = value;
    else if (name.trim() === 'font-weight') font.weight = value;
    else if (name.trim() === 'font-style') font.style = value;
    else rest.push(declaration);
  }
  return { font, rest };
}

function parseFontShorthand(value: string): Partial<Font> {
  const match = /^(?:(italic|oblique|normal)\s+)?(?:(bold|bolder|lighter|normal|\d{3})\s+)?([\d.]+)px\s+(.+)$/.exec(value);
  if (!match) return {};
  return { style: match[1], weight: match[2], size: parseFloat(match[3]), family: match[4] };
}

function readAttribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function withoutAttributes(tag: string, names: string[]): string {
  return names.reduce((result, name) => result.replace(new RegExp(`\\s${name}="[^"]*"`), ''), tag);
}

/** Text stays text: explicit font attributes, and the baseline moved into y so no dominant-baseline is needed. */
function convertTextTag(tag: string): string {
  const { font, rest } = parseFontStyle((readAttribute(tag, 'style') ?? '').replace(/&quot;/g, '"'));
  const baseline = readAttribute(tag, 'dominant-baseline') ?? 'alphabetic';
  const y = parseFloat(readAttribute(tag, 'y') ?? '0') + (BASELINE_SHIFT[baseline] ?? 0) * font.size;
  const family = font.family.replace(/"/g, "'");
  const attributes = [`y="${Number(y.toFixed(3))}"`, `font-family="${escapeXml(family)}"`, `font-size="${font.size}"`];
  if (font.weight && font.weight !== 'normal') attributes.push(`font-weight="${escapeXml(font.weight)}"`);
  if (font.style && font.style !== 'normal') attributes.push(`font-style="${escapeXml(font.style)}"`);
  if (rest.length > 0) attributes.push(`style="${escapeXml(rest.join(';'))}"`);
  const stripped = withoutAttributes(tag, ['style', 'dominant-baseline', 'y', 'xml:space']);
  return stripped.replace(/^<text/, `<text ${attributes.join(' ')}`);
}

export function convertTexts(markup: string): string {
  return markup.replace(/<text\b[^>]*>/g, convertTextTag);
}

export function group(id: string, content: string): string {
  return `<g id="${escapeXml(id)}">\n${content}\n</g>`;
}
