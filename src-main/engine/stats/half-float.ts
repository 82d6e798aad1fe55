/**
 * IEEE 754 half precision (binary16) by hand, since Node 20 has no Float16Array: kept example contexts only
 * colour tokens, so 3 significant digits are plenty and halve their memory. Rounds to nearest, keeps ±0, ±∞, NaN.
 */
const FLOAT_VIEW = new Float32Array(1);
const BITS_VIEW = new Uint32Array(FLOAT_VIEW.buffer);

export function toHalf(value: number): number {
  FLOAT_VIEW[0] = value;
  const bits = BITS_VIEW[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) return sign | subnormal(mantissa | 0x800000, 14 - halfExponent);
  const rounded = (halfExponent << 10) + (mantissa >> 13) + roundUp(mantissa, 13);
  return sign | Math.min(rounded, 0x7c00);
}

/** A subnormal half: the full mantissa shifted right, rounded to nearest even. */
function subnormal(mantissa: number, shift: number): number {
  if (shift > 24) return 0;
  return (mantissa >> shift) + roundUp(mantissa, shift);
}

/** 1 when the bits dropped by shifting `shift` places round the result up (to nearest, ties to even). */
function roundUp(value: number, shift: number): number {
  const half = 1 << (shift - 1);
  const dropped = value & ((1 << shift) - 1);
  return dropped > half || (dropped === half && ((value >> shift) & 1) === 1) ? 1 : 0;
}

export function fromHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
