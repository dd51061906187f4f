// A chapter's sections are laid out when they come near the screen (content-visibility:
// auto in optimlab.css), so that a long chapter paints its first screen, and runs the
// theme's start-up scripts, without laying out the rest. Two seconds after the page has
// loaded, the sections still skipped are laid out one at a time in idle time: then the
// whole page is as a browser without that rule would show it, for the reader who jumps
// far ahead and for accessibility checkers, which cannot read the colours of a skipped
// section (axe-core issue 2768) and would report them as failing.

const SECTIONS = '.bd-article > section > section';
const idle = window.requestIdleCallback || ((f) => setTimeout(() => f({ timeRemaining: () => 10 }), 50));

function layOutAll() {
  const sections = [...document.querySelectorAll(SECTIONS)];
  const step = (deadline) => {
    while (sections.length && deadline.timeRemaining() > 8) {
      sections.shift().style.contentVisibility = 'visible';
    }
    if (sections.length) idle(step);
    else document.documentElement.dataset.optimlabSections = 'laid-out';
  };
  idle(step);
}

const later = () => setTimeout(layOutAll, 2000);
if (document.readyState === 'complete') later();
else window.addEventListener('load', later);
