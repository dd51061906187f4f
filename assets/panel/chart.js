// A panel's chart as plain SVG: the contour image, axes and title are drawn once; an
// update rewrites four attributes per path (its line, its dots, the start and end
// markers), so a slider move costs well under a millisecond of drawing. One path (a
// slider panel) or several, each in its own colour, dashes and end marker with a legend
// (the comparison panel). The geometry (axes.js) is pure and tested in Node.js.

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

/** A legend at the plot's upper right: a line sample, the end marker and the label. */
function legend(f, series) {
  const row = 15;
  const width = 18 + 26 + 7 * Math.max(...series.map((s) => s.label.length));
  const x = f.left + f.width - width - 6;
  const y = f.top + 6;
  const g = node('g', { class: 'optimlab-legend', 'font-size': 10 });
  g.append(node('rect', { x, y, width, height: row * series.length + 6, fill: 'white',
    'fill-opacity': 0.9, stroke: '#bbb', rx: 3 }));
  series.forEach((s, k) => {
    const cy = y + 3 + row * k + row / 2;
    g.append(node('path', { d: `M${x + 6},${cy}h28`, stroke: s.color, 'stroke-width': 2,
      fill: 'none', ...(s.dash ? { 'stroke-dasharray': s.dash } : {}) }));
    g.append(node('path', { d: shape(x + 20, cy, s.marker, 4), fill: s.color, stroke: 'black',
      'stroke-width': 0.8 }));
    g.append(node('text', { x: x + 40, y: cy + 3.5 }, s.label));
  });
  return g;
}

export class Chart {
  /**
   * The chart of a panel description { title, bounds, contour } in `container`, with one
   * path, or one per entry of `series` ({ label, color, dash, marker }: a legend then
   * names them).
   */
  constructor(container, { title, bounds, contour }, clipId, series = null) {
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
    const several = series !== null;
    this.series = (series ?? [{ color: COLOR, marker: 'diamond' }]).map((s) => ({
      marker: s.marker ?? 'diamond',
      line: node('path', { class: 'optimlab-path', fill: 'none', stroke: s.color, 'stroke-width': 2,
        'stroke-linejoin': 'round', ...(s.dash ? { 'stroke-dasharray': s.dash } : {}) }),
      dots: node('path', { class: 'optimlab-dots', fill: 'none', stroke: s.color,
        'stroke-width': several ? 3.5 : 4.8, 'stroke-linecap': 'round' }),
      start: node('path', several
        ? { class: 'optimlab-start-mark', fill: 'white', stroke: s.color, 'stroke-width': 2 }
        : { class: 'optimlab-start-mark', fill: 'white', stroke: 'black' }),
      end: node('path', { class: 'optimlab-end-mark', fill: s.color, stroke: 'black' }),
    }));
    for (const s of this.series) plot.append(s.line, s.dots);
    for (const s of this.series) plot.append(s.end);
    for (const s of this.series) plot.append(s.start);
    Object.assign(this, { line: this.series[0].line, dots: this.series[0].dots,
      start: this.series[0].start, end: this.series[0].end });
    svg.append(plot);
    if (several) svg.append(legend(f, series));
    container.replaceChildren(svg);
    this.svg = svg;
    this.drawn = { path: [], ends: [] };
    this.drawnAll = this.series.map(() => this.drawn);
  }

  /** Draw { path, ends } (see chartData) as path k; the data drawn stay in this.drawn
   * (path 0) and this.drawnAll. */
  draw(data, k = 0) {
    const { px, py } = this.frame;
    const s = this.series[k];
    const points = data.path.map((p) => `${px(p.x).toFixed(2)},${py(p.y).toFixed(2)}`);
    s.line.setAttribute('d', points.length ? `M${points.join('L')}` : '');
    s.dots.setAttribute('d', points.map((p) => `M${p}h0`).join(''));
    const [start, end] = data.ends;
    s.start.setAttribute('d', marker(start, px, py));
    s.end.setAttribute('d', end
      ? marker(end.shape === 'diamond' ? { ...end, shape: s.marker } : end, px, py) : '');
    this.drawnAll[k] = data;
    if (k === 0) this.drawn = data;
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

/** A marker's outline at data (x, y): see shape. */
const marker = ({ x, y, shape: which }, px, py) => shape(px(x), py(y), which);

/**
 * A marker's outline at (cx, cy) in SVG coordinates, of size r (6.7: Vega's size 140): a
 * circle, a diamond, a square, a triangle up or down, a plus or a cross.
 */
function shape(cx, cy, which, r = 6.7) {
  if (which === 'circle') return `M${cx - r},${cy}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
  if (which === 'diamond') return `M${cx},${cy - 1.2 * r}L${cx + r},${cy}L${cx},${cy + 1.2 * r}L${cx - r},${cy}Z`;
  if (which === 'square') { const a = r * 0.85; return `M${cx - a},${cy - a}h${2 * a}v${2 * a}h${-2 * a}Z`; }
  if (which === 'triangle-up') return `M${cx},${cy - r}L${cx + r},${cy + 0.8 * r}L${cx - r},${cy + 0.8 * r}Z`;
  if (which === 'triangle-down') return `M${cx},${cy + r}L${cx + r},${cy - 0.8 * r}L${cx - r},${cy - 0.8 * r}Z`;
  if (which === 'plus') {
    const a = r;
    const b = r * 0.35;
    return `M${cx - b},${cy - a}h${2 * b}v${a - b}h${a - b}v${2 * b}h${b - a}v${a - b}h${-2 * b}` +
      `v${b - a}h${b - a}v${-2 * b}h${a - b}Z`;
  }
  const a = r * 0.9;
  const b = r * 0.3;
  return `M${cx - a},${cy - a + b}l${b},${-b}l${a - b},${a - b}l${a - b},${b - a}l${b},${b}` +
    `l${b - a},${a - b}l${a - b},${a - b}l${-b},${b}l${b - a},${b - a}l${b - a},${a - b}` +
    `l${-b},${-b}l${a - b},${b - a}Z`;
}
