// The page engine as a process, for tests/unit/test_engine_parity.py: one JSON request a
// line on stdin, {"id", "optimizer", "objective", "x0", "steps", "blowup"} (or {"id",
// "rates": a schedule's description, "steps"}: its ηₜ for t < steps; or {"id", "mu":
// {"beta1", "psi"}, "steps"}: NAdam's μₜ for t = 1 .. steps; or {"id", "positions": a
// slider's control}: the page slider's positions), one JSON reply
// a line on stdout, {"id", "ok": true, "result": {...}} or {"id", "ok": false, "error"}.
// Non-finite numbers are written as NaN, Infinity and -Infinity, which Python's json reads.

import { createInterface } from 'node:readline';
import { makeRate, nadamMomentum, run } from '../../assets/engine/index.js';
import { positions } from '../../assets/panel/slider.js';

const MARK = '\u0001nonfinite:';
const encode = (reply) => JSON.stringify(reply,
  (key, value) => (typeof value === 'number' && !Number.isFinite(value) ? MARK + value : value))
  .replace(/"\\u0001nonfinite:(NaN|Infinity|-Infinity)"/g, '$1');

createInterface({ input: process.stdin }).on('line', (line) => {
  let id = null;
  let reply;
  try {
    const request = JSON.parse(line);
    id = request.id ?? null;
    const options = request.blowup === undefined ? {} : { blowup: request.blowup };
    if (request.rates !== undefined) { // a schedule's rates ηₜ, t = 0 .. steps − 1
      const rate = makeRate(request.rates);
      reply = { id, ok: true, result: Array.from({ length: request.steps }, (_, t) => rate(t)) };
    } else if (request.positions !== undefined) { // a slider's positions
      reply = { id, ok: true, result: positions(request.positions) };
    } else if (request.mu !== undefined) { // NAdam's μₜ, t = 1 .. steps
      const { beta1, psi } = request.mu;
      const momentum = (t) => nadamMomentum(beta1, psi === 'inf' ? Infinity : psi, t);
      reply = { id, ok: true, result: Array.from({ length: request.steps }, (_, t) => momentum(t + 1)) };
    } else {
      reply = { id, ok: true, result: run(request.optimizer, request.objective, request.x0,
        request.steps, options) };
    }
  } catch (err) {
    reply = { id, ok: false, error: `${err.name}: ${err.message}` };
  }
  process.stdout.write(`${encode(reply)}\n`);
});
