// Argument checks: every bad input throws an Error (TypeError for the wrong kind of
// value, RangeError for a value out of range) whose message names the argument, the
// value it got and what is allowed, before any work is done.

const show = (value) => {
  if (typeof value === 'number' || value === undefined) return String(value);
  try { return JSON.stringify(value); } catch { return String(value); }
};

/** A finite number in [lo, hi] (or open at either end). */
export function number(name, value, { lo = -Infinity, hi = Infinity, loOpen = false,
  hiOpen = false } = {}) {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${name} must be a finite number, got ${name}=${show(value)}`);
  }
  if (!((loOpen ? value > lo : value >= lo) && (hiOpen ? value < hi : value <= hi))) {
    const left = loOpen || lo === -Infinity ? '(' : '[';
    const right = hiOpen || hi === Infinity ? ')' : ']';
    const range = `${left}${lo === -Infinity ? '-inf' : lo}, ${hi === Infinity ? 'inf' : hi}${right}`;
    throw new RangeError(`${name} must be in ${range}, got ${name}=${value}`);
  }
  return value;
}

/** lr and the like: finite and > 0. */
export const positive = (name, value) => number(name, value, { lo: 0, loOpen: true });
/** eps, weight decay: finite and >= 0. */
export const nonnegative = (name, value) => number(name, value, { lo: 0 });
/** Decay rates: in [0, 1], or [0, 1) where 1 would divide by zero. */
export const unit = (name, value, hiOpen = false) => number(name, value, { lo: 0, hi: 1, hiOpen });

/** An integer in [lo, hi]. */
export function integer(name, value, lo = 0, hi = Infinity) {
  if (!Number.isInteger(value) || value < lo || value > hi) {
    throw new RangeError(`${name} must be an integer in [${lo}, ${hi}], got ${name}=${show(value)}`);
  }
  return value;
}

/** One of a few strings. */
export function choice(name, value, options) {
  if (!options.includes(value)) {
    throw new RangeError(`${name} must be one of ${options.map(show).join(', ')}, ` +
      `got ${name}=${show(value)}`);
  }
  return value;
}

/** true or false, nothing truthy. */
export function flag(name, value) {
  if (typeof value !== 'boolean') {
    throw new TypeError(`${name} must be true or false, got ${name}=${show(value)}`);
  }
  return value;
}

/** An array of `dim` finite numbers (a copy). */
export function point(name, value, dim) {
  if (!Array.isArray(value) || value.length !== dim) {
    throw new TypeError(`${name} must be an array of ${dim} numbers for this ${dim}-D ` +
      `landscape, got ${name}=${show(value)}`);
  }
  return value.map((v, i) => number(`${name}[${i}]`, v));
}

/** A plain object (a description) with no key outside `allowed` (if given). */
export function description(name, value, allowed = null) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${name} must be a description object, got ${name}=${show(value)}`);
  }
  for (const key of allowed ? Object.keys(value) : []) {
    if (!allowed.includes(key)) {
      throw new RangeError(`${name} has no option ${show(key)}; its options are ` +
        `${allowed.join(', ')}`);
    }
  }
  return value;
}
