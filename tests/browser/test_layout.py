"""The full page's layout on a phone (390 px wide) and on a laptop (1280 px),
measured from the elements' bounding boxes in headless Chromium: nothing sticks
out of the viewport sideways, the model overview's labels stay inside their
boxes and apart from each other, the hyperparameter labels do not overlap and
every drop-down is wide enough for its longest choice."""

import pytest

from test_interface import open_app

SIZES = [(390, 844), (800, 1000), (1280, 800)]

# Collects what is wrong with the layout, as sentences; [] when all is well.
# Text is measured with a Range over the element's text (its real ink box,
# not the box of the element, which may be wider or clipped).
CHECKS = r"""
(() => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const textBox = (e) => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect(); };
  const name = (e) => (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') + ` "${(e.textContent || '').trim().slice(0, 24)}"`;
  const overlap = (a, b, gap = 0) => a.left < b.right + gap && b.left < a.right + gap && a.top < b.bottom + gap && b.top < a.bottom + gap;
  const within = (inner, outer, slack = 0.5) => inner.left >= outer.left - slack && inner.right <= outer.right + slack
    && inner.top >= outer.top - slack && inner.bottom <= outer.bottom + slack;

  if (document.documentElement.scrollWidth > vw + 1) problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${vw}`);
  for (const e of document.querySelectorAll('body *')) {
    if (!shown(e) || e.closest('svg')) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0) continue;
    if (r.left < -0.5 || r.right > vw + 0.5) problems.push(`${name(e)} is outside the viewport: ${Math.round(r.left)}..${Math.round(r.right)} of ${vw}`);
  }

  // the model overview: each label inside its node (and a box's title inside the box, within its border)
  const labels = [...document.querySelectorAll('#graph .node-label, #graph .node.box h3, #graph .arch')].filter(shown);
  for (const label of labels) {
    const node = label.closest('.node');
    const box = node.getBoundingClientRect();
    const t = textBox(label);
    if (node.classList.contains('box')) {
      const s = getComputedStyle(node);
      const inner = { left: box.left + parseFloat(s.borderLeftWidth), right: box.right - parseFloat(s.borderRightWidth),
        top: box.top, bottom: box.bottom };
      if (!within(t, inner)) problems.push(`${name(label)} spills out of its box`);
    } else {
      const column = node.getBoundingClientRect();
      if (t.left < column.left - 0.5 || t.right > column.right + 0.5) problems.push(`${name(label)} is wider than its node`);
    }
  }
  const texts = labels.map((l) => [l, textBox(l)]);
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      if (overlap(texts[i][1], texts[j][1], 2)) problems.push(`${name(texts[i][0])} touches ${name(texts[j][0])}`);
    }
  }
  // ... and apart from the other nodes' pictures and boxes
  const nodes = [...document.querySelectorAll('#graph .node')].filter(shown);
  for (const [label, t] of texts) {
    for (const node of nodes) {
      if (node.contains(label)) continue;
      if (overlap(t, node.getBoundingClientRect(), 1)) problems.push(`${name(label)} touches the node ${node.dataset.node}`);
    }
  }

  // hyperparameter cards: labels apart, inside the card; drop-downs wide enough
  const settings = [...document.querySelectorAll('#graph .setting')].filter(shown);
  const parts = settings.flatMap((s) => [...s.children].filter(shown).map((c) => [c, c.tagName === 'SPAN' ? textBox(c) : c.getBoundingClientRect()]));
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 1; j < parts.length; j++) {
      if (overlap(parts[i][1], parts[j][1])) problems.push(`${name(parts[i][0])} overlaps ${name(parts[j][0])}`);
    }
  }
  for (const s of settings) {
    const card = s.closest('.card').getBoundingClientRect();
    const t = textBox(s.querySelector('span'));
    if (t.left < card.left - 0.5 || t.right > card.right + 0.5) problems.push(`${name(s)} is wider than its card`);
  }
  const canvas = document.createElement('canvas').getContext('2d');
  for (const select of [...document.querySelectorAll('#graph select, .topbar select')].filter(shown)) {
    const s = getComputedStyle(select);
    canvas.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const longest = Math.max(...[...select.options].map((o) => canvas.measureText(o.text).width));
    const room = select.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - 18;   // 18: the arrow
    if (longest > room + 0.5) problems.push(`${name(select)} clips its choices: needs ${Math.ceil(longest)} px, has ${Math.floor(room)}`);
  }
  return problems;
})()
"""


def problems(page):
    return page.evaluate(CHECKS)


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}px" for w, _ in SIZES])
def test_nothing_overflows_or_overlaps(page, site_url, width, height):
    open_app(page, site_url, width, height)
    found = {"as it opens": problems(page)}
    page.check("#edit-toggle")
    page.wait_for_function("document.querySelector('.slot .card').getClientRects().length > 0")
    found["editing hyperparameters"] = problems(page)
    page.uncheck("#edit-toggle")
    page.click("#picker-button")
    page.wait_for_selector(".picker-menu:not([hidden])")
    menu = page.evaluate("""(() => { const r = document.querySelector('.picker-menu').getBoundingClientRect();
                                     return [r.left, r.right, document.documentElement.clientWidth]; })()""")
    found["data picker open"] = problems(page)
    if not (menu[0] >= 0 and menu[1] <= menu[2]):
        found["data picker open"].append(f"the picker spans {menu[0]:.0f}..{menu[1]:.0f} of {menu[2]}")
    found = {k: v for k, v in found.items() if v}
    assert not found, "\n".join(f"{when}:\n  " + "\n  ".join(v) for when, v in found.items())


def test_the_explanation_does_not_say_where_the_views_are(page, site_url):
    """The views stack on a phone, so "(left)" would be wrong there."""
    open_app(page, site_url, 390, 844)
    text = page.text_content(".explain")
    for word in ("(left)", "(middle)", "(right)", "on the left", "on the right"):
        assert word not in text
