// One kernel-free slider panel: the page engine runs the optimizer for the values on the
// controls and the start point on the chart, and the chart, status line and state list
// show the run up to step t. Every change runs and draws at once, in the event handler
// (a 300-step run takes a fraction of a millisecond to compute and to draw). The HTML
// (controls, player, the run's description) is written by optimlab
// (book/optimlab/static.py); this module only wires it up.

import { run } from '../engine/index.js';
import { chartData } from './axes.js';
import { Chart } from './chart.js';
import { point, readout, stateRows } from './format.js';
import { nearest, parseValue, positions } from './slider.js';

const KEY_STEPS = 40; // an arrow key moves the start by 1/40 of the axis, Shift by 5/40

/** A copy of `obj` with the number at `path` (a list of keys) set to `value`. */
export function setPath(obj, [key, ...rest], value) {
  return { ...obj, [key]: rest.length ? setPath(obj[key], rest, value) : value };
}

/** A start coordinate in the axis [lo, hi], rounded to a thousandth of the power of ten
 * at or below the span (0.01 on an axis 24 long): what is announced is what is run. */
function tidy(v, [lo, hi]) {
  const digits = 3 - Math.floor(Math.log10(hi - lo));
  const q = 10 ** -digits;
  const r = Math.min(Math.max(Math.round(v / q) * q, lo), hi);
  return digits > 0 ? Number(r.toFixed(Math.min(digits, 20))) : r;
}

export class LivePanel {
  constructor(figure) {
    this.figure = figure;
    this.id = figure.id;
    this.desc = JSON.parse(figure.querySelector('script.optimlab-run').textContent);
    this.t = this.desc.steps;
    this.playing = false;
    this.element = (suffix) => document.getElementById(`${this.id}-${suffix}`);
    this.setUp();
    this.setUpChart();
    this.reset();
  }

  // ------------------------------------------------------------------ controls

  setUp() {
    this.sliders = this.desc.controls.map((c) => {
      const slider = this.element(c.name);
      const box = this.element(`${c.name}-value`);
      const grid = positions(c);
      slider.max = String(grid.length - 1);
      slider.disabled = false;
      slider.addEventListener('input', () => this.set(c, grid[Number(slider.value)], 'slider'));
      const typed = () => { // Enter, then change: the value runs once
        const v = parseValue(box.value, c);
        if (v instanceof Error) return this.refuse(box, c, v);
        if (v === this.values[c.name]) return this.show({ c, slider, box, grid }, v, 'box');
        return this.set(c, v, 'box');
      };
      box.addEventListener('change', typed);
      box.addEventListener('keydown', (e) => { if (e.key === 'Enter') typed(); });
      return { c, slider, box, grid };
    });
    this.menus = this.desc.menus.map((m) => {
      const select = this.element(m.name);
      select.addEventListener('change', () => { this.values[m.name] = select.value; this.compute(); });
      return { m, select };
    });
    this.setUpPlayer();
    this.element('reset').addEventListener('click', () => { this.pause(); this.reset(); });
  }

  /** The chapter's values, start and full run. */
  reset() {
    this.values = {};
    for (const s of this.sliders) this.show(s, s.c.value);
    for (const { m, select } of this.menus) {
      this.values[m.name] = m.value;
      select.value = m.value;
    }
    this.x0 = [...this.desc.x0];
    this.t = this.desc.steps;
    this.compute();
  }

  /** Put `value` on a slider's controls (a slider not moved by the reader goes to the
   * position nearest it). */
  show({ c, slider, box, grid }, value, from = null) {
    this.values[c.name] = value;
    if (from !== 'slider') slider.value = String(nearest(grid, value, c.log));
    box.value = String(value); // a typed "1e-08" is shown as the page writes it, 1e-8
    slider.setAttribute('aria-valuetext', String(value));
  }

  set(c, value, from) {
    this.show(this.sliders.find((s) => s.c === c), value, from);
    this.compute();
  }

  /** A typed value that is refused: say why, and show the value still run again. */
  refuse(box, c, err) {
    this.element('status').textContent = err.message;
    box.value = String(this.values[c.name]);
  }

  // ------------------------------------------------------------------ the run

  /** The engine's description of the optimizer for the current values. */
  optimizer() {
    const chosen = this.desc.optimizers.find((o) =>
      Object.entries(o.menus).every(([k, v]) => this.values[k] === v));
    let described = chosen.optimizer;
    for (const { c } of this.sliders) described = setPath(described, c.field, this.values[c.name]);
    return described;
  }

  compute() {
    const { objective, steps, blowup } = this.desc;
    try {
      this.run = run(this.optimizer(), objective, this.x0, steps, { blowup });
    } catch (err) { // the controls only offer valid values; say so if one slips through
      this.element('status').textContent = err.message;
      return;
    }
    this.update();
  }

  /** Show the run up to step t: chart, step, status line, state and start. */
  update() {
    const { t, run: r } = this;
    this.chart.draw(chartData(r, t));
    this.showStep();
    this.element('status').textContent = readout(r, t);
    this.showState(stateRows(r, t));
  }

  /** The step t on the scrubber and its readout, and the start point. */
  showStep() {
    const { t } = this;
    this.element('t').value = String(t);
    this.element('t').setAttribute('aria-valuetext', `step ${t} of ${this.desc.steps}`);
    this.element('t-out').textContent = `t = ${t} of ${this.desc.steps}`;
    this.element('start').textContent = `start x₀ = ${point(this.x0)}`;
  }

  /** The state list: a term (the field's name) and its value for each row. */
  showState(rows) {
    const box = this.element('state');
    const list = box.querySelector('dl');
    const keys = rows.map((row) => row.key).join(' ');
    if (box.dataset.keys !== keys) {
      box.dataset.keys = keys;
      list.replaceChildren(...rows.flatMap((row) => {
        const term = document.createElement('dt');
        term.textContent = row.label;
        const value = document.createElement('dd');
        value.dataset.key = row.key;
        return [term, value];
      }));
    }
    box.querySelector('.optimlab-state-title').textContent = `state after step ${this.t}`;
    list.querySelectorAll('dd').forEach((value, i) => {
      value.textContent = rows[i].text;
      value.dataset.value = JSON.stringify(rows[i].value);
    });
    box.hidden = rows.length === 0;
  }

  // ------------------------------------------------------------------ the start point

  setStart(x0) {
    this.x0 = x0.map((v, j) => tidy(v, this.desc.bounds[j]));
    this.compute();
  }

  onKey(event) {
    const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowDown: [1, -1], ArrowUp: [1, 1] };
    if (event.key === 'Home') {
      event.preventDefault();
      this.setStart(this.desc.x0);
      return;
    }
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const [j, sign] = move;
    const [lo, hi] = this.desc.bounds[j];
    const x0 = [...this.x0];
    x0[j] += sign * (event.shiftKey ? 5 : 1) * ((hi - lo) / KEY_STEPS);
    this.setStart(x0);
  }

  /** The chart, drawn afresh (once; the comparison panel again for each landscape). */
  makeChart() {
    const area = this.element('chart').querySelector('.optimlab-drawing');
    return new Chart(area, this.desc, `${this.id}-clip`);
  }

  setUpChart() {
    const area = this.element('chart');
    this.chart = this.makeChart();
    let dragging = null;
    const drag = (event) => this.setStart(this.chart.toData(event, true));
    area.addEventListener('pointerdown', (event) => {
      if (!this.chart.toData(event)) return;
      event.preventDefault(); // no text selection; focus is given below
      dragging = event.pointerId;
      area.setPointerCapture(event.pointerId);
      area.focus();
      drag(event);
    });
    area.addEventListener('pointermove', (event) => { if (dragging === event.pointerId) drag(event); });
    const stop = (event) => { if (dragging === event.pointerId) dragging = null; };
    area.addEventListener('pointerup', stop);
    area.addEventListener('pointercancel', stop);
    area.addEventListener('keydown', (event) => this.onKey(event));
  }

  // ------------------------------------------------------------------ play and scrub

  setUpPlayer() {
    const scrub = this.element('t');
    scrub.max = String(this.desc.steps);
    scrub.addEventListener('input', () => {
      this.pause();
      this.t = Number(scrub.value);
      this.update();
    });
    this.element('play').addEventListener('click', () => (this.playing ? this.pause() : this.play()));
  }

  /**
   * Play the run from step 0 (or from t), about 4 s for the whole run (a page may set
   * `window.optimlabPlaySeconds` otherwise: the browser tests play in 1 s, to wait less).
   */
  play() {
    const { steps } = this.desc;
    if (this.t >= steps) this.t = 0;
    this.playing = true;
    const button = this.element('play');
    button.textContent = 'Pause';
    this.element('status').setAttribute('aria-busy', 'true');
    const seconds = globalThis.optimlabPlaySeconds ?? 4;
    const rate = Math.max(12, steps / seconds); // steps a second
    const from = this.t;
    let begin = null; // the first frame's time
    const tick = (now) => {
      if (!this.playing) return;
      begin ??= now;
      const t = Math.min(steps, from + Math.floor(((now - begin) * rate) / 1000));
      if (t !== this.t) {
        this.t = t;
        this.update();
      }
      if (t >= steps) this.pause();
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    const button = this.element('play');
    button.textContent = 'Play';
    this.element('status').removeAttribute('aria-busy');
  }
}
