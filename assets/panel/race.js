// The comparison panel: every contender runs in the page engine on the chosen landscape
// (and noise level), its step size its tuned one on that landscape times the common
// scale, from one start point; the chart draws every path, one status line per
// contender. A LivePanel whose run is several runs: the slider, menus, start point,
// play and scrub are LivePanel's. The HTML and the description are written by optimlab
// (book/optimlab/compare.py and static.py: panel_description).

import { run } from '../engine/index.js';
import { chartData } from './axes.js';
import { Chart } from './chart.js';
import { diverged, number } from './format.js';
import { LivePanel } from './panel.js';

/**
 * A contender's status line at step t: ComparisonPanel.readout's part for a run of t
 * steps, "SGD: f = 0.0123", or "SGD: diverged at step k" once the run has blown up.
 */
export function raceReadout(label, { loss, divergedAt }, t = loss.length - 1) {
  return `${label}: ${diverged(divergedAt, t) ?? `f = ${number(loss[t])}`}`;
}

/** The optimizer description of a contender on a landscape at a scale: lr × scale. */
export function scaled(contender, landscape, scale) {
  const described = contender.optimizers[landscape];
  return { ...described, lr: described.lr * scale };
}

export class RacePanel extends LivePanel {
  /** The landscape named `name`: its title, bounds, start and contour become the
   * panel's (what LivePanel's chart, start point and keys use). */
  useLandscape(name) {
    const landscape = this.desc.landscapes.find((l) => l.name === name);
    Object.assign(this.desc, { title: landscape.title, bounds: landscape.bounds,
      x0: landscape.x0, contour: landscape.contour });
    this.landscape = landscape;
  }

  setUpChart() {
    this.useLandscape(this.desc.landscapes[0].name);
    super.setUpChart();
    this.list = this.element('runs');
    this.lines = this.desc.contenders.map((c, k) => {
      const item = this.list.children[k] ?? this.list.appendChild(document.createElement('li'));
      item.dataset.label = c.label;
      return item;
    });
  }

  makeChart() {
    const area = this.element('chart').querySelector('.optimlab-drawing');
    return new Chart(area, this.desc, `${this.id}-clip`, this.desc.contenders);
  }

  compute() {
    if (this.values.landscape !== this.landscape.name) { // a new landscape: its chart and start
      this.useLandscape(this.values.landscape);
      this.x0 = [...this.desc.x0];
      this.chart = this.makeChart();
    }
    const { steps, blowup, contenders, menus } = this.desc;
    const noise = menus.find((m) => m.name === 'noise');
    const objective = this.landscape.objectives[noise.options.indexOf(this.values.noise)];
    try {
      this.runs = contenders.map((c) =>
        run(scaled(c, this.landscape.name, this.values.scale), objective, this.x0, steps, { blowup }));
    } catch (err) { // the controls only offer valid values; say so if one slips through
      this.element('status').textContent = err.message;
      return;
    }
    this.element('status').textContent = '';
    this.update();
  }

  /** Show every run up to step t: chart, step, status lines and start. */
  update() {
    const { t } = this;
    this.runs.forEach((r, k) => {
      this.chart.draw(chartData(r, t), k);
      this.lines[k].textContent = raceReadout(this.desc.contenders[k].label, r, t);
    });
    this.showStep();
  }
}
