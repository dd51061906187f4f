// The site's panels, as an ES module (<script type="module">). Once the page itself has
// loaded, on pages that have a panel only:
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

async function start() {
  const live = [...document.querySelectorAll('figure.optimlab-live')];
  const { LivePanel } = live.length ? await import('./panel/panel.js') : {};
  const { RacePanel } = live.some((f) => f.classList.contains('optimlab-race'))
    ? await import('./panel/race.js') : {};
  for (const figure of live) {
    try {
      const Panel = figure.classList.contains('optimlab-race') ? RacePanel : LivePanel;
      window.optimlabPanels[figure.id] = new Panel(figure);
    } catch (err) {
      console.error(`optimlab panel ${figure.id}: ${err}`);
    }
  }
  const specs = [...document.querySelectorAll('script.optimlab-spec')];
  if (!specs.length) return;
  for (const file of ['vega.min.js', 'vega-lite.min.js', 'vega-embed.min.js']) await load(file);
  await Promise.all(specs.map(embed));
}

// The panels start once the page itself has loaded, so text, maths and figures come
// first and the page's load time waits neither for the panels' modules nor for Vega.
const go = () => start().catch((err) => console.error(err));
if (document.readyState === 'complete') go();
else window.addEventListener('load', go);
