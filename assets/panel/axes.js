// The chart's geometry, pure (tested in Node.js): where the plotting area sits, data ↔
// SVG coordinates, the axis ticks, and what a run at step t draws.

export const WIDTH = 560; // the plotting area, as optimlab.static.WIDTH and HEIGHT
export const HEIGHT = 300;
const MARGIN = { left: 45, top: 24, right: 10, bottom: 40 };

/**
 * The frame of a chart of `bounds` [[x_lo, x_hi], [y_lo, y_hi]]: the plotting area
 * (left, top, width, height) inside the SVG (outerWidth × outerHeight), the maps px, py
 * from data to SVG coordinates and their inverses ix, iy.
 */
export function frame(bounds) {
  const [[xLo, xHi], [yLo, yHi]] = bounds;
  const { left, top } = MARGIN;
  return {
    left, top, width: WIDTH, height: HEIGHT, x: [xLo, xHi], y: [yLo, yHi],
    outerWidth: left + WIDTH + MARGIN.right, outerHeight: top + HEIGHT + MARGIN.bottom,
    px: (x) => left + ((x - xLo) / (xHi - xLo)) * WIDTH,
    py: (y) => top + ((yHi - y) / (yHi - yLo)) * HEIGHT,
    ix: (sx) => xLo + ((sx - left) / WIDTH) * (xHi - xLo),
    iy: (sy) => yHi - ((sy - top) / HEIGHT) * (yHi - yLo),
  };
}

/** The tick step for about `count` ticks over [lo, hi]: 1, 2 or 5 times a power of ten. */
export function tickStep(lo, hi, count) {
  const raw = (hi - lo) / Math.max(count, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  return factor * power;
}

/** The ticks of [lo, hi]: { value, text } at the multiples of tickStep, "−" for minus. */
export function ticks(lo, hi, count) {
  const step = tickStep(lo, hi, count);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const out = [];
  for (let k = Math.ceil(lo / step - 1e-9); k <= Math.floor(hi / step + 1e-9); k++) {
    const value = Number((k * step).toFixed(decimals));
    out.push({ value, text: (value === 0 ? 0 : value).toFixed(decimals).replace('-', '−') });
  }
  return out;
}

/**
 * What the chart draws at step t of a run: the finite points x₀ … xₜ as rows
 * { t, x, y }, and the start (a white circle) and end markers (a diamond, or a cross
 * where the run has blown up by step t, as optimlab's plots mark it; none at t = 0).
 */
export function chartData({ xs, divergedAt }, t) {
  const path = [];
  for (let i = 0; i <= t && xs[i].every(Number.isFinite); i++) path.push({ t: i, x: xs[i][0], y: xs[i][1] });
  const ends = [{ x: xs[0][0], y: xs[0][1], shape: 'circle' }];
  const last = path[path.length - 1];
  const stopped = divergedAt >= 0 && divergedAt <= t;
  if (last && (path.length > 1 || stopped)) ends.push({ x: last.x, y: last.y, shape: stopped ? 'cross' : 'diamond' });
  return { path, ends };
}
