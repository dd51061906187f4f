// Each block of a chapter is laid out when it comes near the screen (content-visibility:
// auto in optimlab.css), so that a long chapter paints its first screen, and runs the
// theme's start-up scripts, without laying out the rest. Two seconds after the page has
// loaded, the blocks still skipped are laid out in idle time, in short tasks: then the
// whole page is as a browser without that rule would show it, for the reader who jumps
// far ahead and for accessibility checkers, which cannot read the colours of a skipped
// block (axe-core issue 2768) and would report them as failing. One task per whole section
// was a long task on a phone (0.58 s here, about 2.3 s on a phone's CPU, for the longest
// chapter); a block at a time keeps each task near BUDGET_MS.

const BLOCKS = '.bd-article section > :not(section, h1, h2, h3, h4)';
// A task that ends within this budget stays short on a slow phone's CPU too (4x slower).
const BUDGET_MS = 8;
const idle = window.requestIdleCallback || ((f) => setTimeout(f, 50));

function layOutAll() {
  const blocks = [...document.querySelectorAll(BLOCKS)];
  const step = () => {
    const start = performance.now();
    while (blocks.length && performance.now() - start < BUDGET_MS) {
      const block = blocks.shift();
      block.style.contentVisibility = 'visible';
      block.getBoundingClientRect();  // laid out now, inside this short task
    }
    if (blocks.length) idle(step);
    else document.documentElement.dataset.optimlabSections = 'laid-out';
  };
  idle(step);
}

const later = () => setTimeout(layOutAll, 2000);
if (document.readyState === 'complete') later();
else window.addEventListener('load', later);
