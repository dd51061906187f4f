// The rules of the site's joined stylesheets (_static/optimlab-styles-*.css, one per set
// of stylesheets a page links) that nothing in the site can use, removed: a rule stays
// when every class, id and element its selector names appears somewhere in a page of
// the site or in one of its scripts (which add classes such as the theme's "show" or
// "dropdown-menu-dark" as the reader uses the page). Custom properties, keyframes and
// font faces all stay. Called by book/_ext/optimlab_page_speed.py at the end of
// the build:  node tools/purge_css.mjs <site directory>
//
// The decks and exercise sheets link the original stylesheets, which are left whole.

import fs from 'node:fs';
import path from 'node:path';
import { PurgeCSS } from 'purgecss';

const site = process.argv[2];
if (!site || !fs.existsSync(path.join(site, '_static'))) {
  console.error(`usage: node tools/purge_css.mjs <built site>; got ${site}`);
  process.exit(2);
}

// Files only (the decks' folder holds a directory called reveal.js); and not the decks and
// sheets that `make slides` adds, which link the whole stylesheets: the trim is the same
// whether or not they were made before the build.
const LATER = new Set(['slides', 'exercises']);
const files = fs.readdirSync(site, { recursive: true })
  .filter((f) => !LATER.has(f.split(path.sep)[0]))
  .map((f) => path.join(site, f))
  .filter((f) => fs.statSync(f).isFile());
const pages = files.filter((f) => f.endsWith('.html'));
const scripts = files.filter((f) => f.endsWith('.js') || f.endsWith('.mjs'));
const sheets = files.filter((f) => /optimlab-styles-[0-9a-f]+\.css$/.test(path.basename(f)));

const purged = await new PurgeCSS().purge({
  content: [...pages, ...scripts],
  css: sheets,
  // kept whole: PurgeCSS reads font-family and animation-name, not the shorthands
  // (KaTeX's `font: ... KaTeX_Main`), and would drop faces and keyframes still in use
  keyframes: false,
  fontFace: false,
  variables: false,
  // a selector of pseudo-classes alone, such as the theme's focus ring `:focus-visible`,
  // names nothing to look for, and PurgeCSS would drop it
  safelist: { standard: [/^(::?[a-z-]+(\([^)]*\))?)+$/] },
});
for (const { file, css } of purged) {
  const before = fs.statSync(file).size;
  fs.writeFileSync(file, css);
  console.log(`${path.basename(file)}: ${before} -> ${css.length} bytes`);
}
