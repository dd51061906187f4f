// The positions of a panel's range input: every value the slider can take, so that a
// slider is an index into a sorted list. The list always holds the chapter's value and
// the chapter's marks (`slider_panel(grids=...)`) exactly, so the panel starts at exactly
// the chapter's values and can land on the values the chapter discusses; between them, a
// fine regular grid through the chapter's value: PER_DECADE positions a decade on a log
// scale (each rounded to 4 significant digits, so the number box shows a short value
// that is exactly the value run), steps of a power of ten on a linear one (about
// LINEAR_POSITIONS across the range). The last position past either end is the end.

export const PER_DECADE = 100;
export const LINEAR_POSITIONS = 1000;

const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);

function logGrid(lo, hi, value) {
  const first = Math.floor(PER_DECADE * Math.log10(lo / value));
  const last = Math.ceil(PER_DECADE * Math.log10(hi / value));
  const grid = [];
  for (let k = first; k <= last; k++) {
    grid.push(k === 0 ? value : clamp(Number((value * 10 ** (k / PER_DECADE)).toPrecision(4)), lo, hi));
  }
  return grid;
}

/** The linear grid's step: the power of ten nearest (hi − lo) / LINEAR_POSITIONS. */
export const linearStep = (lo, hi) =>
  Number(`1e${Math.round(Math.log10((hi - lo) / LINEAR_POSITIONS))}`);

function linearGrid(lo, hi, value) {
  const step = linearStep(lo, hi);
  const first = Math.floor((lo - value) / step);
  const last = Math.ceil((hi - value) / step);
  const grid = [];
  for (let k = first; k <= last; k++) {
    grid.push(k === 0 ? value : clamp(Number((value + k * step).toFixed(12)), lo, hi));
  }
  return grid;
}

/**
 * The sorted, distinct values of a control { lo, hi, log, value, marks }: the regular
 * grid through `value`, with `value` and every mark among them.
 */
export function positions({ lo, hi, log, value, marks = [] }) {
  const grid = log ? logGrid(lo, hi, value) : linearGrid(lo, hi, value);
  const all = [...grid, ...marks, value].filter((v) => v >= lo && v <= hi);
  return [...new Set(all)].sort((a, b) => a - b);
}

/**
 * The index of the position nearest `value` (by ratio on a log scale); a value
 * outside the range goes to the end it is past.
 */
export function nearest(grid, value, log) {
  const distance = (v) => (log ? Math.abs(Math.log(v / value)) : Math.abs(v - value));
  if (value <= grid[0]) return 0;
  if (value >= grid[grid.length - 1]) return grid.length - 1;
  let best = 0;
  for (let i = 1; i < grid.length; i++) if (distance(grid[i]) < distance(grid[best])) best = i;
  return best;
}

/**
 * A typed value, checked: the number, or an Error saying what is allowed. Empty text,
 * text that is not a number and values outside [lo, hi] are refused.
 */
export function parseValue(text, { label, lo, hi }) {
  const v = String(text).trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(v)) return new Error(`${label}: type a number from ${lo} to ${hi}`);
  if (v < lo || v > hi) return new Error(`${label} must be in [${lo}, ${hi}], got ${v}`);
  return v;
}
