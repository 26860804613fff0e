/** Small colour and axis helpers for the hand-written SVG charts (no chart library). */

type Rgb = readonly [number, number, number];

const hex = (c: Rgb) => `#${c.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;
const parse = (h: string): Rgb => [
  Number.parseInt(h.slice(1, 3), 16),
  Number.parseInt(h.slice(3, 5), 16),
  Number.parseInt(h.slice(5, 7), 16),
];

/** WCAG relative luminance of an sRGB colour. */
function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Light to dark teal, through the app's accent: higher scores are darker. */
const stops: readonly Rgb[] = ["#f3f8f6", "#b9dcd5", "#5fa39a", "#1d5c63", "#0c3236"].map(parse);

export interface Swatch {
  readonly background: string;
  /** Black or white, whichever contrasts more (always at least 4.5:1). */
  readonly text: string;
}

/** The colour for a position 0..1 on the sequential scale. */
export function sequential(t: number): Swatch {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  const rgb: Rgb = [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
  const l = luminance(rgb);
  const onBlack = (l + 0.05) / 0.05;
  const onWhite = 1.05 / (l + 0.05);
  return { background: hex(rgb), text: onBlack >= onWhite ? "#000000" : "#ffffff" };
}

/** A domain for the colour scale that spans the values, rounded out to halves, at least one star wide. */
export function scoreDomain(values: readonly number[]): [number, number] {
  if (values.length === 0) return [1, 5];
  let low = Math.floor(Math.min(...values) * 2) / 2;
  let high = Math.ceil(Math.max(...values) * 2) / 2;
  if (high - low < 1) {
    const mid = (low + high) / 2;
    low = Math.max(1, Math.floor((mid - 0.5) * 2) / 2);
    high = Math.min(5, low + 1);
  }
  return [low, high];
}

/** "Nice" axis maximum and a few ticks for counts. */
export function countTicks(max: number, count = 3): number[] {
  if (max <= 0) return [0];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw);
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(v);
  return ticks;
}
