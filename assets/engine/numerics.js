// The few numerical helpers the optimizers share, each the same operations in the same
// order as optimlab's (book/optimlab/optimizers.py): + - * / and Math.sqrt are correctly
// rounded in JavaScript as in numpy, so equal operations give equal bits.

/**
 * num / den with 0/0 = 0 (optimlab's `_ratio`): a zero numerator is not divided, so a
 * zero gradient never moves a coordinate; a nonzero one over 0 is ±Infinity.
 */
export const ratio = (num, den) => (num !== 0 ? num / den : 0);

/** √(s + ε) ("inside") or √s + ε ("outside"): optimlab's `_denominator`. */
export const denominator = (s, eps, placement) =>
  (placement === 'inside' ? Math.sqrt(s + eps) : Math.sqrt(s) + eps);

const SPLIT = 134217729; // 2**27 + 1, Veltkamp's constant: splits a double into two halves
const TINY = 5.551115123125783e-17; // 2**-54: at or below it, 1 - x rounds to 1

/**
 * Adam's bias correction t ↦ 1 − βᵗ (optimlab's `OneMinusPower`), never with Math.pow:
 * βᵗ ≈ hₜ + ℓₜ is the running product β·β⋯β carried in double-double arithmetic,
 *   p = hₜ₋₁β,  e = err(hₜ₋₁β) + ℓₜ₋₁β,  hₜ = p + e,  ℓₜ = e − (hₜ − p)
 * with Dekker's exact product error err (Veltkamp's split), and the result is 1 − hₜ,
 * bit for bit what optimlab computes. The last step is kept: t = 1, 2, 3, ... costs one
 * product each; an earlier t starts again from β⁰ = 1.
 */
export function oneMinusPower(beta) {
  const c = SPLIT * beta;
  const bHi = c - (c - beta);
  const bLo = beta - bHi;
  let k = 0, hi = 1, lo = 0;
  return (t) => {
    if (t < k) [k, hi, lo] = [0, 1, 0];
    while (k < t) {
      const p = hi * beta;
      const s = SPLIT * hi;
      const hHi = s - (s - hi);
      const hLo = hi - hHi;
      let e = ((hHi * bHi - p) + hHi * bLo + hLo * bHi) + hLo * bLo;
      e = e + lo * beta;
      hi = p + e;
      lo = e - (hi - p);
      k = hi <= TINY ? t : k + 1; // 1 − hₜ is 1 from here on
    }
    return 1 - hi;
  };
}
