// The optimizers of optimlab (book/optimlab/optimizers.py), for one run of a d-dimensional
// point: makeOptimizer(description) gives { name, adaptive, init(d), step(x, g, state) }.
// step returns { x, state, effective } and mutates nothing. Every update is written with
// optimlab's operations in optimlab's order, so a run gives optimlab's bits.
//
// `rate` is t ↦ ηₜ (schedules.js: lr is a number or a schedule), read at the step's
// starting count st.t as optimlab does. Symbols are the book's: lr η, gamma γ (RMSprop's decay), beta β (momentum), beta1 β₁
// and beta2 β₂ (Adam), eps ε, weight_decay λ; state fields v (velocity), s (average or
// sum of squared gradients), m (average of gradients), s_max (AMSGrad's maximum), t
// (steps taken), and for Adam the bias-corrected m_hat m̂ₜ and s_hat ŝₜ.

import * as check from './check.js';
import { denominator, oneMinusPower, ratio } from './numerics.js';
import { makeRate } from './schedules.js';

const zeros = (d) => new Array(d).fill(0);
const EPS_PLACEMENTS = ['inside', 'outside'];

/** Every option of each optimizer, with optimlab's defaults. */
export const DEFAULTS = {
  sgd: { lr: undefined },
  momentum: { lr: undefined, beta: 0.9, dampening: 0, nesterov: false, first_step: 'zero',
    lr_in_buffer: false },
  adagrad: { lr: undefined, eps: 1e-8, eps_placement: 'inside', initial_accumulator: 0 },
  rmsprop: { lr: undefined, gamma: 0.9, eps: 1e-8, eps_placement: 'inside', centered: false,
    momentum: 0, lr_in_buffer: false },
  adam: { lr: undefined, beta1: 0.9, beta2: 0.999, eps: 1e-8, eps_placement: 'outside',
    amsgrad: false, amsgrad_max: 'raw', bias_correction: true, weight_decay: 0 },
  adamw: { lr: undefined, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 1e-2,
    eps_placement: 'outside', amsgrad: false, amsgrad_max: 'raw' },
  adadelta: { lr: 1, rho: 0.9, eps: 1e-6, weight_decay: 0 },
  adamax: { lr: undefined, beta1: 0.9, beta2: 0.999, eps: 1e-8, eps_placement: 'in_max',
    weight_decay: 0 },
  nadam: { lr: undefined, beta1: 0.9, beta2: 0.999, eps: 1e-8, momentum_decay: 4e-3,
    weight_decay: 0, decoupled_weight_decay: false },
  yogi: { lr: undefined, beta1: 0.9, beta2: 0.999, eps: 1e-3, initial_accumulator: 1e-6,
    initial_m: 0 },
};

/**
 * SGD: x ← x − η g.
 */
function sgd({ rate }) {
  return {
    adaptive: false,
    init: () => ({ t: 0 }),
    step(x, g, st) {
      const lr = rate(st.t);
      return { x: x.map((xj, j) => xj - lr * g[j]), state: { t: st.t + 1 } };
    },
  };
}

/**
 * Heavy ball: v ← βv + (1 − τ)g (τ = dampening; first_step "grad": v₁ = g₁),
 * x ← x − ηv, or with Nesterov x ← x − η(g + βv). lr_in_buffer (Keras's form) scales the
 * gradient first, g ← ηg, and steps x ← x − v (Nesterov: x − (g + βv)).
 */
function momentum({ rate, beta, dampening, nesterov, first_step: firstStep, lr_in_buffer: inBuffer }) {
  if (nesterov && dampening !== 0) {
    throw new RangeError(`nesterov=true needs dampening=0, got dampening=${dampening}`);
  }
  return {
    adaptive: false,
    init: (d) => ({ v: zeros(d), t: 0 }),
    step(x, g0, st) {
      const lr = rate(st.t);
      const g = inBuffer ? g0.map((gj) => lr * gj) : g0;
      const v = g.map((gj, j) => {
        const vj = beta * st.v[j] + (1 - dampening) * gj;
        return firstStep === 'grad' && st.t === 0 ? gj + 0 * vj : vj;
      });
      const next = x.map((xj, j) => {
        const dj = nesterov ? g[j] + beta * v[j] : v[j];
        return inBuffer ? xj - dj : xj - lr * dj;
      });
      return { x: next, state: { v, t: st.t + 1 } };
    },
  };
}

/**
 * Adagrad: s ← s + g², x ← x − η g / √(s + ε) (inside) or η g / (√s + ε) (outside);
 * effective step η / √(s + ε) or η / (√s + ε).
 */
function adagrad({ rate, eps, eps_placement: placement, initial_accumulator: s0 }) {
  return {
    adaptive: true,
    init: (d) => ({ s: zeros(d).map((z) => z + s0), t: 0 }),
    step(x, g, st) {
      const lr = rate(st.t);
      const s = g.map((gj, j) => st.s[j] + gj * gj);
      const den = s.map((sj) => denominator(sj, eps, placement));
      return {
        x: x.map((xj, j) => xj - lr * ratio(g[j], den[j])),
        state: { s, t: st.t + 1 },
        effective: den.map((dj) => lr / dj),
      };
    },
  };
}

/**
 * RMSprop: s ← γs + (1 − γ)g²; centered also m ← γm + (1 − γ)g and s − m² under the
 * root (at least 0); u = g / √(… + ε) (or / (√… + ε)); with momentum μ, v ← μv + u and
 * x ← x − ηv (lr_in_buffer: v ← μv + ηu, x ← x − v), else x ← x − ηu. Effective step η / den.
 */
function rmsprop({ rate, gamma, eps, eps_placement: placement, centered, momentum: mu,
  lr_in_buffer: inBuffer }) {
  const useMomentum = mu !== 0;
  return {
    adaptive: true,
    init(d) {
      const st = { s: zeros(d), t: 0 };
      if (centered) st.m = zeros(d);
      if (useMomentum) st.v = zeros(d);
      return st;
    },
    step(x, g, st) {
      const lr = rate(st.t);
      const s = g.map((gj, j) => gamma * st.s[j] + (1 - gamma) * (gj * gj));
      const m = centered ? g.map((gj, j) => gamma * st.m[j] + (1 - gamma) * gj) : null;
      const den = s.map((sj, j) => denominator(centered ? Math.max(sj - m[j] * m[j], 0) : sj,
        eps, placement));
      const u = g.map((gj, j) => ratio(gj, den[j]));
      const v = useMomentum ? u.map((uj, j) => mu * st.v[j] + (inBuffer ? lr * uj : uj)) : null;
      const state = { s, t: st.t + 1 };
      if (centered) state.m = m;
      if (useMomentum) state.v = v;
      const move = (xj, j) => {
        if (!useMomentum) return xj - lr * u[j];
        return inBuffer ? xj - v[j] : xj - lr * v[j];
      };
      return {
        x: x.map(move),
        state,
        effective: den.map((dj) => lr / dj),
      };
    },
  };
}

/**
 * Adam (and AdamW, `decoupled`):
 *   m ← β₁m + (1 − β₁)g,  s ← β₂s + (1 − β₂)g²,  m̂ = m / (1 − β₁ᵗ),  ŝ = s / (1 − β₂ᵗ)
 *   x ← x − η m̂ / (√ŝ + ε)   ("outside"; "inside": √(ŝ + ε))
 *   x ← x − η (√(1 − β₂ᵗ) / (1 − β₁ᵗ)) m / (√s + ε̂)   ("hat", Keras's ε̂)
 * AMSGrad divides by the running maximum of the raw s (amsgrad_max "raw", then corrected)
 * or of ŝ ("corrected"). weight_decay λ adds λx to the gradient (Adam, L2) or λx to the
 * direction (AdamW, decoupled). bias_correction false drops both divisions.
 */
function adam(o, decoupled) {
  const { rate, beta1: b1, beta2: b2, eps, eps_placement: placement, amsgrad } = o;
  const corrected = amsgrad && o.amsgrad_max === 'corrected';
  const biasCorrection = decoupled ? true : o.bias_correction;
  if (placement === 'hat' && corrected) {
    throw new RangeError("eps_placement='hat' works on the raw s_t; it needs " +
      "amsgrad_max='raw', got amsgrad_max='corrected'");
  }
  const l2 = decoupled ? 0 : o.weight_decay;
  const wd = decoupled ? o.weight_decay : 0;
  const gap1 = oneMinusPower(b1);
  const gap2 = oneMinusPower(b2);
  return {
    adaptive: true,
    init(d) {
      const st = { m: zeros(d), s: zeros(d), t: 0, m_hat: zeros(d), s_hat: zeros(d) };
      if (amsgrad) st.s_max = zeros(d);
      return st;
    },
    step(x, g0, st) {
      const lr = rate(st.t);
      const g = l2 !== 0 ? g0.map((gj, j) => gj + l2 * x[j]) : g0;
      const t = st.t + 1;
      const m = g.map((gj, j) => b1 * st.m[j] + (1 - b1) * gj);
      const s = g.map((gj, j) => b2 * st.s[j] + (1 - b2) * (gj * gj));
      const bc1 = biasCorrection ? gap1(t) : 1;
      const bc2 = biasCorrection ? gap2(t) : 1;
      let sMax = null, sRaw = s, sHat;
      if (amsgrad && !corrected) {
        sMax = sRaw = s.map((sj, j) => Math.max(st.s_max[j], sj));
        sHat = sMax.map((sj) => sj / bc2);
      } else if (amsgrad) {
        sMax = sHat = s.map((sj, j) => Math.max(st.s_max[j], sj / bc2));
      } else {
        sHat = s.map((sj) => sj / bc2);
      }
      const mHat = m.map((mj) => mj / bc1);
      const direction = m.map((mj, j) => {
        const dj = placement === 'hat'
          ? (Math.sqrt(bc2) / bc1) * ratio(mj, Math.sqrt(sRaw[j]) + eps)
          : ratio(mHat[j], denominator(sHat[j], eps, placement));
        return wd !== 0 ? dj + wd * x[j] : dj;
      });
      const state = { m, s, t, m_hat: mHat, s_hat: sHat };
      if (amsgrad) state.s_max = sMax;
      const effective = placement === 'hat'
        ? sRaw.map((sj) => (lr * Math.sqrt(bc2)) / (Math.sqrt(sj) + eps))
        : sHat.map((sj) => lr / denominator(sj, eps, placement));
      return { x: x.map((xj, j) => xj - lr * direction[j]), state, effective };
    },
  };
}

/**
 * Adadelta: s ← ρs + (1 − ρ)g²,  Δ = √(d + ε) g / √(s + ε),  d ← ρd + (1 − ρ)Δ²,
 * x ← x − ηΔ (d is the average before this step's Δ); weight_decay λ adds λx to g.
 * Effective step η√(d₋ + ε) / √(s + ε), with d₋ the d the step started from.
 */
function adadelta({ rate, rho, eps, weight_decay: wd }) {
  return {
    adaptive: true,
    init: (d) => ({ s: zeros(d), d: zeros(d), t: 0 }),
    step(x, g0, st) {
      const lr = rate(st.t);
      const g = wd !== 0 ? g0.map((gj, j) => gj + wd * x[j]) : g0;
      const s = g.map((gj, j) => rho * st.s[j] + (1 - rho) * (gj * gj));
      const delta = g.map((gj, j) => ratio(Math.sqrt(st.d[j] + eps) * gj, Math.sqrt(s[j] + eps)));
      const d = delta.map((dj, j) => rho * st.d[j] + (1 - rho) * (dj * dj));
      return {
        x: x.map((xj, j) => xj - lr * delta[j]),
        state: { s, d, t: st.t + 1 },
        effective: s.map((sj, j) => (lr * Math.sqrt(st.d[j] + eps)) / Math.sqrt(sj + eps)),
      };
    },
  };
}

/**
 * Adamax: m ← β₁m + (1 − β₁)g,  u ← max(β₂u, |g| + ε) ("in_max"; "outside_max":
 * max(β₂u, |g|) and m / (u + ε)),  x ← x − (η / (1 − β₁ᵗ)) m / u. Effective step η / u
 * (or η / (u + ε)), which multiplies m̂ = m / (1 − β₁ᵗ).
 */
function adamax({ rate, beta1: b1, beta2: b2, eps, eps_placement: placement, weight_decay: wd }) {
  const inMax = placement === 'in_max';
  const gap1 = oneMinusPower(b1);
  return {
    adaptive: true,
    init: (d) => ({ m: zeros(d), u: zeros(d), t: 0 }),
    step(x, g0, st) {
      const lr = rate(st.t);
      const g = wd !== 0 ? g0.map((gj, j) => gj + wd * x[j]) : g0;
      const t = st.t + 1;
      const m = g.map((gj, j) => b1 * st.m[j] + (1 - b1) * gj);
      const u = g.map((gj, j) => Math.max(b2 * st.u[j], inMax ? Math.abs(gj) + eps : Math.abs(gj)));
      const den = u.map((uj) => (inMax ? uj : uj + eps));
      const scale = lr / gap1(t);
      return {
        x: x.map((xj, j) => xj - scale * ratio(m[j], den[j])),
        state: { m, u, t },
        effective: den.map((dj) => lr / dj),
      };
    },
  };
}

/**
 * NAdam's momentum at step t ≥ 1, μₜ = β₁(1 − ½·0.96^(tψ)) (optimlab's nadam_momentum);
 * ψ = Infinity (optax's) is no schedule, μₜ = β₁. For 0 < ψ < ∞ the power comes from the
 * browser's maths library, which may round it otherwise than numpy's in the last bit.
 */
export const nadamMomentum = (beta1, psi, t) => beta1 * (1 - 0.5 * 0.96 ** (t * psi));

/**
 * NAdam: μₜ = β₁(1 − ½·0.96^(tψ)),  Πₜ = μ₁⋯μₜ,  m and s as Adam's,
 *   m̄ = (μₜ₊₁ / (1 − Πₜμₜ₊₁)) m + ((1 − μₜ) / (1 − Πₜ)) g,
 *   x ← x − η m̄ / (√(s / (1 − β₂ᵗ)) + ε)
 * with ψ = momentum_decay; weight_decay λ adds λx to g, or (decoupled) to the direction.
 * Effective step η / (√ŝ + ε), which multiplies m̄.
 */
function nadam({ rate, beta1: b1, beta2: b2, eps, momentum_decay: psi, weight_decay: wd,
  decoupled_weight_decay: decoupled }) {
  const gap2 = oneMinusPower(b2);
  return {
    adaptive: true,
    init: (d) => ({ m: zeros(d), s: zeros(d), mu_prod: zeros(d).map((z) => z + 1), t: 0 }),
    step(x, g0, st) {
      const lr = rate(st.t);
      const g = wd !== 0 && !decoupled ? g0.map((gj, j) => gj + wd * x[j]) : g0;
      const t = st.t + 1;
      const mu = nadamMomentum(b1, psi, t);
      const muNext = nadamMomentum(b1, psi, t + 1);
      const muProd = st.mu_prod.map((p) => p * mu);
      const m = g.map((gj, j) => b1 * st.m[j] + (1 - b1) * gj);
      const s = g.map((gj, j) => b2 * st.s[j] + (1 - b2) * (gj * gj));
      const bc2 = gap2(t);
      const den = s.map((sj) => Math.sqrt(sj / bc2) + eps);
      const direction = g.map((gj, j) => {
        const mBar = (muNext / (1 - muProd[j] * muNext)) * m[j] + ((1 - mu) / (1 - muProd[j])) * gj;
        const dj = ratio(mBar, den[j]);
        return wd !== 0 && decoupled ? dj + wd * x[j] : dj;
      });
      return {
        x: x.map((xj, j) => xj - lr * direction[j]),
        state: { m, s, mu_prod: muProd, t },
        effective: den.map((dj) => lr / dj),
      };
    },
  };
}

/**
 * Yogi: m ← β₁m + (1 − β₁)g,  s ← s − (1 − β₂) sign(s − g²) g²,
 * x ← x − η (m / (1 − β₁ᵗ)) / (√(s / (1 − β₂ᵗ)) + ε); s₀ = initial_accumulator,
 * m₀ = initial_m. Effective step η / (√ŝ + ε), which multiplies m̂.
 */
function yogi({ rate, beta1: b1, beta2: b2, eps, initial_accumulator: s0, initial_m: m0 }) {
  const gap1 = oneMinusPower(b1);
  const gap2 = oneMinusPower(b2);
  return {
    adaptive: true,
    init: (d) => ({ m: zeros(d).map((z) => z + m0), s: zeros(d).map((z) => z + s0), t: 0 }),
    step(x, g, st) {
      const lr = rate(st.t);
      const t = st.t + 1;
      const m = g.map((gj, j) => b1 * st.m[j] + (1 - b1) * gj);
      const s = g.map((gj, j) => {
        const g2 = gj * gj;
        return st.s[j] - ((1 - b2) * Math.sign(st.s[j] - g2)) * g2;
      });
      const bc1 = gap1(t), bc2 = gap2(t);
      const den = s.map((sj) => Math.sqrt(sj / bc2) + eps);
      return {
        x: x.map((xj, j) => xj - lr * ratio(m[j] / bc1, den[j])),
        state: { m, s, t },
        effective: den.map((dj) => lr / dj),
      };
    },
  };
}

const FACTORIES = {
  sgd, momentum, adagrad, rmsprop, adam: (o) => adam(o, false), adamw: (o) => adam(o, true),
  adadelta, adamax, nadam, yogi,
};

/** Each option's check, as optimlab's factories check it. */
const CHECKS = {
  lr: (n, v) => makeRate(v, n),
  beta: (n, v) => check.unit(n, v),
  dampening: (n, v) => check.unit(n, v, true),
  nesterov: check.flag,
  lr_in_buffer: check.flag,
  first_step: (n, v) => check.choice(n, v, ['zero', 'grad']),
  eps: check.nonnegative,
  eps_placement: null, // per optimizer, below
  initial_accumulator: check.nonnegative,
  gamma: (n, v) => check.unit(n, v),
  centered: check.flag,
  momentum: (n, v) => check.unit(n, v, true),
  beta1: (n, v) => check.unit(n, v, true),
  beta2: (n, v) => check.unit(n, v, true),
  amsgrad: check.flag,
  amsgrad_max: (n, v) => check.choice(n, v, ['raw', 'corrected']),
  bias_correction: check.flag,
  weight_decay: check.nonnegative,
  rho: (n, v) => check.unit(n, v),
  momentum_decay: (n, v) => (v === Infinity ? v : check.nonnegative(n, v)),
  decoupled_weight_decay: check.flag,
  initial_m: (n, v) => check.number(n, v),
};

/** Checks that differ for one optimizer: Adamax's u needs no 1 − β₂ᵗ, so β₂ = 1 is fine. */
const OWN_CHECKS = { adamax: { beta2: (n, v) => check.unit(n, v) } };

/** Each optimizer's ε placements. */
const PLACEMENTS = { adam: [...EPS_PLACEMENTS, 'hat'], adamw: [...EPS_PLACEMENTS, 'hat'],
  adamax: ['in_max', 'outside_max'] };

/**
 * The optimizer a description (optimlab.engine.describe_optimizer) stands for:
 * `{ name: "rmsprop", lr: 0.5, gamma: 0.9, ... }`; options left out take optimlab's
 * defaults (lr has none; it is a number or a schedule's description). Throws an Error naming any bad or unknown option.
 */
export function makeOptimizer(description) {
  check.description('optimizer', description);
  const name = check.choice('optimizer.name', description.name, Object.keys(DEFAULTS));
  const { name: _, ...given } = description;
  check.description(name, given, Object.keys(DEFAULTS[name]));
  const options = { ...DEFAULTS[name], ...given };
  if (options.momentum_decay === 'inf') options.momentum_decay = Infinity; // JSON has no ∞
  for (const [key, value] of Object.entries(options)) {
    if (key === 'eps_placement') {
      check.choice(key, value, PLACEMENTS[name] ?? EPS_PLACEMENTS);
    } else {
      (OWN_CHECKS[name]?.[key] ?? CHECKS[key])(key, value);
    }
  }
  return { name, ...FACTORIES[name]({ ...options, rate: makeRate(options.lr) }) };
}
