// Numbers as text, exactly as optimlab writes them (book/optimlab/_format.py, which the
// readouts, labels and alt text share): Python's format(v, ".3g") and format(v, ".1e").
// JavaScript's toExponential rounds a tie (a value exactly halfway between two
// candidates) away from zero; Python rounds it to the even digit, so ties are found
// exactly (BigInt arithmetic on the double's bits) and rounded as Python does.

const bits = new DataView(new ArrayBuffer(8));

/** Whether the positive finite double v is exactly D·10^j (D a BigInt). */
function isExactly(v, D, j) {
  bits.setFloat64(0, v);
  const word = bits.getBigUint64(0);
  const biased = Number((word >> 52n) & 0x7ffn);
  const fraction = word & ((1n << 52n) - 1n);
  const m = biased === 0 ? fraction : fraction | (1n << 52n); // v = m·2^k
  const k = biased === 0 ? -1074 : biased - 1075;
  let lhs = m;
  let rhs = D;
  if (k >= 0) lhs <<= BigInt(k); else rhs <<= BigInt(-k);
  if (j >= 0) rhs *= 10n ** BigInt(j); else lhs *= 10n ** BigInt(-j);
  return lhs === rhs;
}

const parts = (text) => {
  const [mantissa, exponent] = text.split('e');
  return { digits: mantissa.replace('.', ''), exponent: Number(exponent) };
};

/**
 * |v| (finite, nonzero) to p significant digits, ties to even: { digits, exponent }
 * with |v| ≈ d.ddd·10^exponent, digits a string of p digits.
 */
export function significant(v, p) {
  const a = Math.abs(v);
  const longer = parts(a.toExponential(p)); // p + 1 digits: a tie ends in 5, exactly
  if (longer.digits.endsWith('5') &&
      isExactly(a, BigInt(longer.digits), longer.exponent - p)) {
    const kept = longer.digits.slice(0, p);
    if (Number(kept.at(-1)) % 2 === 0) return { digits: kept, exponent: longer.exponent };
  }
  return parts(a.toExponential(p - 1)); // no tie, or a tie that rounds up to even
}

const special = (v) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
const sign = (v) => (v < 0 || Object.is(v, -0) ? '-' : '');
const exponentText = (e) => (e < 0 ? '-' : '+') + String(Math.abs(e)).padStart(2, '0');
const trim = (text) => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);

/** Python's format(v, f".{p}g"). */
export function formatG(v, p = 3) {
  if (!Number.isFinite(v)) return special(v);
  if (v === 0) return `${sign(v)}0`;
  const { digits, exponent } = significant(v, p);
  if (exponent >= -4 && exponent < p) {
    const fixed = exponent >= 0
      ? `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`
      : `0.${'0'.repeat(-exponent - 1)}${digits}`;
    return sign(v) + trim(fixed);
  }
  return `${sign(v)}${trim(`${digits[0]}.${digits.slice(1)}`)}e${exponentText(exponent)}`;
}

/** Python's format(v, f".{p}e"). */
export function formatE(v, p = 1) {
  if (!Number.isFinite(v)) return special(v);
  if (v === 0) return `${sign(v)}0.${'0'.repeat(p)}e+00`;
  const { digits, exponent } = significant(v, p + 1);
  const mantissa = p > 0 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign(v)}${mantissa}e${exponentText(exponent)}`;
}

/** optimlab's _format.number: three significant digits; below 1e-3 as 1.2e-05; 0 is "0". */
export const number = (v) => (Math.abs(v) >= 1e-3 || v === 0 ? formatG(v, 3) : formatE(v, 1));

/** optimlab's _format.point: (x₁, x₂, …). */
export const point = (p) => `(${p.map(number).join(', ')})`;

/** optimlab's _format.diverged: "diverged at step k" once the run has blown up by step t. */
export const diverged = (divergedAt, t) => (divergedAt >= 0 && divergedAt <= t
  ? `diverged at step ${divergedAt}` : null);

/**
 * The status line of a run at step t: Panel.readout's text for a run of t steps,
 * "after t steps: x = (…), f(x) = …" or "diverged at step k" once the run has blown up.
 */
export function readout({ xs, loss, divergedAt }, t = xs.length - 1) {
  return diverged(divergedAt, t) ?? `after ${t} steps: x = ${point(xs[t])}, f(x) = ${number(loss[t])}`;
}

/** The book's names for the engine's state fields (book/notation.md). */
export const STATE_LABELS = {
  v: 'vₜ', s: 'sₜ', m: 'mₜ', m_hat: 'm̂ₜ', s_hat: 'ŝₜ', s_max: 'max sₜ', d: 'dₜ (Δ² average)',
  u: 'uₜ (decaying max |g|)', mu_prod: 'Πₜ (product of μ)',
};

/**
 * The optimizer's state after step t, one row per field: { key, label, value, text }
 * (the step count t itself left out), then the effective step aₜ of step t (none at
 * t = 0, and none for SGD and momentum). value is the numbers, text as the readout
 * writes them.
 */
export function stateRows({ states, effective }, t) {
  const rows = Object.keys(states).filter((key) => key !== 't').map((key) => ({
    key, label: STATE_LABELS[key] ?? key, value: states[key][t], text: point(states[key][t]),
  }));
  if (effective && t > 0) {
    rows.push({ key: 'effective', label: 'aₜ, effective step', value: effective[t - 1],
      text: point(effective[t - 1]) });
  }
  return rows;
}
