// The site's panels, as an ES module (<script type="module">). On pages that have a
// panel only, each panel starts when it comes within a screen of the viewport (a chapter
// with four panels computes and draws none of them before the reader nears it); in a
// slide deck, all of them at once, before reveal.js fits each slide to the screen:
//  * a slider panel (figure.optimlab-live) computes its run in the page with the page
//    engine (./engine) and draws it as SVG (./panel, imported then): no chart library;
//    The comparison panel (figure.optimlab-live.optimlab-race) too, every contender at
//    once (./panel/race.js);
//  * a precomputed panel (the training-curves panel, whose Vega-Lite spec is a
//    script.optimlab-spec) is embedded with vega-embed, which binds its parameters to
//    the panel's range inputs and menus. Vega, Vega-Lite and vega-embed are the site's
//    own copies (vendor/vega), fetched only for these.

const VEGA = new URL('vendor/vega/', import.meta.url);
window.optimlabViews = {}; // chart id -> Vega view (precomputed panels)
window.optimlabPanels = {}; // figure id -> LivePanel (slider panels) or RacePanel

function load(file) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = new URL(file, VEGA).href;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`optimlab: could not load ${s.src}`));
    document.head.appendChild(s);
  });
}

/** A precomputed range input's readout: its label, on the output and for screen readers. */
function readout(input) {
  const labels = JSON.parse(input.dataset.labels || '[]');
  const text = labels[Number(input.value)];
  if (text === undefined) return;
  input.setAttribute('aria-valuetext', text);
  const out = input.nextElementSibling;
  if (out && out.tagName === 'OUTPUT') out.textContent = text;
}

function embed(node) {
  const target = node.dataset.target;
  node.closest('figure').querySelectorAll('input[type=range][data-labels]').forEach((el) => {
    el.addEventListener('input', () => readout(el));
    readout(el);
  });
  return window.vegaEmbed(`#${target}`, JSON.parse(node.textContent), { actions: false, renderer: 'svg' })
    .then((result) => { window.optimlabViews[target] = result.view; })
    .catch((err) => console.error(`optimlab panel ${target}: ${err}`));
}

/** `make()`, once: the promise of its result, made on the first call. */
function once(make) {
  let made;
  return () => (made ??= make());
}

const sliderModule = once(() => import('./panel/panel.js'));
const raceModule = once(() => import('./panel/race.js'));

const vega = once(async () => {
  for (const file of ['vega.min.js', 'vega-lite.min.js', 'vega-embed.min.js']) await load(file);
});

async function startLive(figure) {
  const Panel = figure.classList.contains('optimlab-race')
    ? (await raceModule()).RacePanel : (await sliderModule()).LivePanel;
  try {
    window.optimlabPanels[figure.id] = new Panel(figure);
  } catch (err) {
    console.error(`optimlab panel ${figure.id}: ${err}`);
  }
}

async function startPrecomputed(spec) {
  await vega();
  await embed(spec);
}

const DECK = document.querySelector('.reveal .slides') !== null;

/** Runs `start` once `el` is within a screen (above or below) of the viewport (in a
 * deck, at once). */
function whenNear(el, start) {
  const go = () => start().catch((err) => console.error(err));
  if (DECK || !('IntersectionObserver' in window)) return go();
  const seen = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    seen.disconnect();
    go();
  }, { rootMargin: '100% 0px' });
  return seen.observe(el);
}

function start() {
  document.querySelectorAll('figure.optimlab-live').forEach((figure) => {
    whenNear(figure, () => startLive(figure));
  });
  document.querySelectorAll('script.optimlab-spec').forEach((spec) => {
    whenNear(spec.closest('figure'), () => startPrecomputed(spec));
  });
}

// The panels are watched once the page itself has loaded, so text, maths and figures
// come first and the page's load time waits neither for the panels' modules nor for Vega.
if (document.readyState === 'complete') start();
else window.addEventListener('load', start);
