// A panel's chart as plain SVG: the contour image, axes and title are drawn once; an
// update rewrites four attributes (the path's line, its dots, the start and end
// markers), so a slider move costs well under a millisecond of drawing. The geometry
// (axes.js) is pure and tested in Node.js.

import { frame, ticks } from './axes.js';

const SVG = 'http://www.w3.org/2000/svg';
const COLOR = '#0072B2'; // optimlab.plots.PALETTE[0]

function node(name, attributes = {}, text = null) {
  const el = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, String(value));
  if (text !== null) el.textContent = text;
  return el;
}

/** One axis: its line, ticks and labels, and its title. */
function axis(f, which) {
  const g = node('g', { class: `optimlab-axis optimlab-axis-${which}`, 'font-size': 10 });
  const { left, top, width, height } = f;
  const [lo, hi] = which === 'x' ? f.x : f.y;
  const place = which === 'x' ? f.px : f.py;
  const line = which === 'x'
    ? `M${left},${top + height}h${width}` : `M${left},${top}v${height}`;
  g.append(node('path', { d: line, stroke: '#888', fill: 'none' }));
  for (const { value, text } of ticks(lo, hi, which === 'x' ? width / 40 : height / 40)) {
    const p = place(value);
    const [x, y] = which === 'x' ? [p, top + height] : [left, p];
    g.append(node('path', { d: which === 'x' ? `M${x},${y}v5` : `M${x},${y}h-5`, stroke: '#888' }));
    g.append(node('text', which === 'x'
      ? { x, y: y + 15, 'text-anchor': 'middle' }
      : { x: x - 7, y: y + 3, 'text-anchor': 'end' }, text));
  }
  const title = which === 'x'
    ? node('text', { x: left + width / 2, y: top + height + 30, 'text-anchor': 'middle',
      'font-weight': 'bold', 'font-size': 11 }, 'x₁')
    : node('text', { transform: `translate(${left - 32},${top + height / 2}) rotate(-90)`,
      'text-anchor': 'middle', 'font-weight': 'bold', 'font-size': 11 }, 'x₂');
  g.append(title);
  return g;
}

export class Chart {
  /** The chart of a panel description { title, bounds, contour } in `container`. */
  constructor(container, { title, bounds, contour }, clipId) {
    const f = frame(bounds);
    this.frame = f;
    this.container = container;
    const svg = node('svg', { xmlns: SVG, width: f.outerWidth, height: f.outerHeight,
      viewBox: `0 0 ${f.outerWidth} ${f.outerHeight}`, 'font-family': 'sans-serif' });
    const clip = node('clipPath', { id: clipId });
    clip.append(node('rect', { x: f.left, y: f.top, width: f.width, height: f.height }));
    svg.append(node('defs'), node('text', { x: f.left + f.width / 2, y: 16, 'text-anchor': 'middle',
      'font-weight': 'bold', 'font-size': 13 }, title));
    svg.firstChild.append(clip);
    svg.append(node('image', { href: contour, x: f.left, y: f.top, width: f.width,
      height: f.height, preserveAspectRatio: 'none' }));
    svg.append(axis(f, 'x'), axis(f, 'y'));
    const plot = node('g', { 'clip-path': `url(#${clipId})` });
    this.line = node('path', { class: 'optimlab-path', fill: 'none', stroke: COLOR,
      'stroke-width': 2, 'stroke-linejoin': 'round' });
    this.dots = node('path', { class: 'optimlab-dots', fill: 'none', stroke: COLOR,
      'stroke-width': 4.8, 'stroke-linecap': 'round' });
    this.start = node('path', { class: 'optimlab-start-mark', fill: 'white', stroke: 'black' });
    this.end = node('path', { class: 'optimlab-end-mark', fill: COLOR, stroke: 'black' });
    plot.append(this.line, this.dots, this.end, this.start);
    svg.append(plot);
    container.replaceChildren(svg);
    this.svg = svg;
    this.drawn = { path: [], ends: [] };
  }

  /** Draw { path, ends } (see chartData); the data drawn stay in this.drawn. */
  draw(data) {
    const { px, py } = this.frame;
    const points = data.path.map((p) => `${px(p.x).toFixed(2)},${py(p.y).toFixed(2)}`);
    this.line.setAttribute('d', points.length ? `M${points.join('L')}` : '');
    this.dots.setAttribute('d', points.map((p) => `M${p}h0`).join(''));
    const [start, end] = data.ends;
    this.start.setAttribute('d', marker(start, px, py));
    this.end.setAttribute('d', end ? marker(end, px, py) : '');
    this.drawn = data;
  }

  /**
   * The data coordinates under a pointer event (the SVG may be scaled by CSS or by a
   * slide's transform): null outside the plotting area, or with `clamp` its nearest edge.
   */
  toData(event, clamp = false) {
    const box = this.svg.getBoundingClientRect();
    const f = this.frame;
    let sx = (event.clientX - box.left) * (f.outerWidth / box.width);
    let sy = (event.clientY - box.top) * (f.outerHeight / box.height);
    const inside = sx >= f.left && sx <= f.left + f.width && sy >= f.top && sy <= f.top + f.height;
    if (!inside && !clamp) return null;
    sx = Math.min(Math.max(sx, f.left), f.left + f.width);
    sy = Math.min(Math.max(sy, f.top), f.top + f.height);
    return [f.ix(sx), f.iy(sy)];
  }
}

/** A marker's outline: a circle (r 6.7: Vega's size 140), a diamond or a cross. */
function marker({ x, y, shape }, px, py) {
  const cx = px(x);
  const cy = py(y);
  const r = 6.7;
  if (shape === 'circle') return `M${cx - r},${cy}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
  if (shape === 'diamond') return `M${cx},${cy - 1.2 * r}L${cx + r},${cy}L${cx},${cy + 1.2 * r}L${cx - r},${cy}Z`;
  const a = r * 0.9;
  const b = r * 0.3;
  return `M${cx - a},${cy - a + b}l${b},${-b}l${a - b},${a - b}l${a - b},${b - a}l${b},${b}` +
    `l${b - a},${a - b}l${a - b},${a - b}l${-b},${b}l${b - a},${b - a}l${b - a},${a - b}` +
    `l${-b},${-b}l${a - b},${b - a}Z`;
}
