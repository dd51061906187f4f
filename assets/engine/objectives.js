// The landscapes of optimlab (book/optimlab/objectives.py), for points of 1 or 2
// coordinates: makeObjective(description) gives { kind, dim, f(x), gradient(x, t),
// domain }. Each formula is optimlab's, operation for operation; sums run in index order,
// as optimlab's `_dot_last` and `_matvec` add them, and powers are products (y·y, not
// Math.pow).

import * as check from './check.js';

const sum = (n, term) => { // term(0) + term(1) + ... + term(n - 1), in that order
  let total = term(0);
  for (let j = 1; j < n; j++) total = total + term(j);
  return total;
};

function vector(name, value, dim) {
  return check.point(name, value, dim);
}

/** ½ xᵀAx with a diagonal A = diag(a): f = Σ (xᵢxᵢ)(½aᵢ), g = x ⊙ a. */
function diagonal({ a }, dim) {
  a = vector('objective.a', a, dim);
  return {
    f: (x) => sum(dim, (j) => (x[j] * x[j]) * (0.5 * a[j])),
    grad: (x) => x.map((xj, j) => xj * a[j]),
  };
}

/** ½ xᵀAx: u = xA (uⱼ = Σᵢ xᵢAᵢⱼ), f = ½ Σ uⱼxⱼ, g = u (A symmetric). */
function quadratic({ A }, dim) {
  if (!Array.isArray(A) || A.length !== dim) {
    throw new TypeError(`objective.A must be a ${dim}×${dim} array of numbers, got A=${JSON.stringify(A)}`);
  }
  A = A.map((row, i) => vector(`objective.A[${i}]`, row, dim));
  const matvec = (x) => A[0].map((_, j) => sum(dim, (i) => x[i] * A[i][j]));
  return {
    f: (x) => { const u = matvec(x); return 0.5 * sum(dim, (j) => u[j] * x[j]); },
    grad: matvec,
  };
}

/** ½ Σ aᵢ(xᵢ − cᵢ)²: f = Σ ((xᵢ − cᵢ)(xᵢ − cᵢ))(½aᵢ), g = (x − c) ⊙ a. */
function shiftedBowl({ a, center }, dim) {
  a = vector('objective.a', a, dim);
  const c = vector('objective.center', center, dim);
  return {
    f: (x) => sum(dim, (j) => ((x[j] - c[j]) * (x[j] - c[j])) * (0.5 * a[j])),
    grad: (x) => x.map((xj, j) => (xj - c[j]) * a[j]),
  };
}

/** Rosenbrock: f = (a − x)² + b(y − x²)², g = (−2(a − x) − 4bxr, 2br), r = y − x². */
function rosenbrock({ a, b }) {
  check.number('objective.a', a);
  check.positive('objective.b', b);
  return {
    f: ([x, y]) => (a - x) * (a - x) + b * ((y - x * x) * (y - x * x)),
    grad: ([x, y]) => {
      const r = y - x * x;
      return [-2 * (a - x) - 4 * b * x * r, 2 * b * r];
    },
  };
}

const BEALE_C = [1.5, 2.25, 2.625];

/** Beale: f = Σₖ rₖ², rₖ = cₖ − x + x yᵏ, with yᵏ as products y, y·y, y·y·y. */
function beale() {
  const terms = ([x, y]) => {
    const powers = [1, y, y * y, y * y * y];
    return { r: BEALE_C.map((c, i) => c - x + x * powers[i + 1]), powers, x };
  };
  return {
    f: (p) => { const { r } = terms(p); return r[0] * r[0] + r[1] * r[1] + r[2] * r[2]; },
    grad: (p) => {
      const { r, powers, x } = terms(p);
      const dx = [1, 2, 3].map((k) => 2 * r[k - 1] * (powers[k] - 1));
      const dy = [1, 2, 3].map((k) => 2 * r[k - 1] * k * x * powers[k - 1]);
      return [dx[0] + dx[1] + dx[2], dy[0] + dy[1] + dy[2]];
    },
  };
}

/** One weight: f = c(y − wx)², g = −2c(y − wx)x. */
function leastSquares1d({ x, y, c }) {
  check.number('objective.x', x);
  check.number('objective.y', y);
  check.positive('objective.c', c);
  return {
    f: ([w]) => c * ((y - w * x) * (y - w * x)),
    grad: ([w]) => [-2 * c * (y - w * x) * x],
  };
}

/** Reddi et al.'s online problem: gₜ = C when t mod 3 = 0, else −1; f̄ = (C − 2)/3 · x. */
function reddiOnline({ C }) {
  check.number('objective.C', C, { lo: 2, loOpen: true });
  const slope = (C - 2) / 3;
  return {
    f: ([x]) => slope * x,
    grad: (x, t) => [t % 3 === 0 ? C : -1],
  };
}

const KINDS = {
  diagonal: [diagonal, null, ['a']],
  quadratic: [quadratic, null, ['A']],
  shifted_bowl: [shiftedBowl, null, ['a', 'center']],
  rosenbrock: [rosenbrock, 2, ['a', 'b']],
  beale: [beale, 2, []],
  least_squares_1d: [leastSquares1d, 1, ['x', 'y', 'c']],
  reddi_online: [reddiOnline, 1, ['C']],
};

/** The landscape kinds the engine computes. */
export const LANDSCAPES = Object.keys(KINDS);

function noiseRows(rows, dim) {
  if (!Array.isArray(rows)) {
    throw new TypeError('objective.noise_rows must be an array of noise rows when noise > 0, ' +
      `got noise_rows=${JSON.stringify(rows)}`);
  }
  return rows.map((row, t) => vector(`objective.noise_rows[${t}]`, row, dim));
}

function box(domain, dim) {
  if (domain === null || domain === undefined) return null;
  if (!Array.isArray(domain) || domain.length !== dim) {
    throw new TypeError(`objective.domain must be null or ${dim} pairs [lo, hi], ` +
      `got domain=${JSON.stringify(domain)}`);
  }
  return domain.map((pair, i) => {
    const [lo, hi] = vector(`objective.domain[${i}]`, pair, 2);
    if (!(lo <= hi)) throw new RangeError(`objective.domain[${i}] must have lo <= hi, got [${lo}, ${hi}]`);
    return [lo, hi];
  });
}

/**
 * The landscape a description (optimlab.engine.describe_objective) stands for:
 * `{ kind, dim, domain, noise, seed, noise_rows, ...parameters }`. gradient(x, t) is
 * ∇f(x) + σξₜ with ξₜ = noise_rows[t], the rows optimlab's run draws. Throws an Error
 * naming any bad or unknown field.
 */
export function makeObjective(description) {
  check.description('objective', description);
  const kind = check.choice('objective.kind', description.kind, LANDSCAPES);
  const [factory, fixedDim, params] = KINDS[kind];
  check.description(`objective (${kind})`, description,
    ['kind', 'dim', 'domain', 'noise', 'seed', 'noise_rows', ...params]);
  const dim = check.integer('objective.dim', description.dim ?? fixedDim, fixedDim ?? 1, fixedDim ?? 2);
  const { f, grad } = factory(description, dim);
  const noise = check.nonnegative('objective.noise', description.noise ?? 0);
  const rows = noise !== 0 ? noiseRows(description.noise_rows, dim) : [];
  const gradient = noise === 0 ? grad : (x, t) => {
    const xi = rows[t];
    return grad(x, t).map((gj, j) => gj + noise * xi[j]);
  };
  return { kind, dim, f, gradient, noise, noiseSteps: noise !== 0 ? rows.length : Infinity,
    domain: box(description.domain, dim) };
}
