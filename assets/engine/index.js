// The page engine: in the browser, what optimlab.run computes for one run, to the last
// bit (where a schedule's cosine or power, or NAdam's 0.96^(tψ), comes from the browser's
// maths library: to its last bit). Plain ES modules, no dependencies. Descriptions come from Python
// (optimlab.engine.describe_optimizer and describe_objective):
//
//   import { run } from './engine/index.js';
//   const { xs, loss, states, effective, divergedAt } = run(optimizer, objective, x0, steps);

export { MAX_STEPS, markDivergence, run } from './run.js';
export { DEFAULTS, makeOptimizer, nadamMomentum } from './optimizers.js';
export { LANDSCAPES, makeObjective } from './objectives.js';
export { makeRate } from './schedules.js';
export { denominator, oneMinusPower, ratio } from './numerics.js';
