// The model overview graph (the paper's Fig. 4): the data nodes and the two
// submodels as boxes on a CSS grid, forward paths left to right, and the two
// backpropagation loops (discriminator blue, generator purple) in an SVG
// layer recomputed from the nodes' positions whenever the layout changes.
// The live pictures inside the nodes are drawn by miniviews.js; the
// hyperparameter cards go into the slots (editor.js).

import { el } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

// node name -> [label, kind]; 'box' nodes are the two networks. The soft
// hyphens (\u00ad) are where a narrow layout may break a long word.
const NODES = {
  noise: ['Random noise', 'small'],
  generator: ['Generator', 'box'],
  fake: ['Fake samples', 'small'],
  real: ['Real samples', 'small'],
  discriminator: ['Discrim\u00adinator', 'box'],
  predictions: ['Predic\u00adtions', 'small'],
  d_loss: ['D loss', 'loss'],
  g_loss: ['G loss', 'loss'],
  gradients: ['Gradients for G', 'small'],
};
const SLOTS = ['noise', 'generator', 'batch', 'discriminator', 'loss'];
// forward edges: [from, to]; the loops are drawn separately
const EDGES = [['noise', 'generator'], ['generator', 'fake'], ['fake', 'discriminator'], ['real', 'discriminator'],
  ['discriminator', 'predictions'], ['predictions', 'd_loss'], ['predictions', 'g_loss']];

export const edgeName = (from, to) => `${from}-${to}`;

export function createGraph(container) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.classList.add('graph-edges');
  svg.setAttribute('aria-hidden', 'true');
  svg.innerHTML = `<defs>
    <marker id="arrow-fwd" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="head fwd"/></marker>
    <marker id="arrow-d" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="head d"/></marker>
    <marker id="arrow-g" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="head g"/></marker>
  </defs>`;
  container.append(svg);

  const nodes = {};
  const canvases = {};
  const values = {};
  const captions = {};
  for (const [name, [label, kind]] of Object.entries(NODES)) {
    const canvas = el('canvas', { class: `mini mini-${name}` });
    canvases[name] = canvas;
    let node;
    if (kind === 'box') {
      captions[name] = el('span', { class: 'arch' });
      node = el('div', { class: `node box ${name}`, dataset: { node: name } },
        el('h3', { text: label }), canvas, captions[name]);
    } else if (kind === 'loss') {
      values[name] = el('output', { class: 'loss-value', text: '–' });
      node = el('div', { class: `node loss ${name}`, dataset: { node: name } },
        el('span', { class: 'node-label', text: label }), canvas, values[name]);
    } else {
      node = el('div', { class: `node small ${name}`, dataset: { node: name } },
        canvas, el('span', { class: 'node-label', text: label }));
    }
    node.style.gridArea = name;
    nodes[name] = node;
    container.append(node);
  }

  const slots = {};
  for (const name of SLOTS) {
    slots[name] = el('div', { class: `slot slot-${name}`, dataset: { slot: name } });
    slots[name].style.gridArea = `edit_${name}`;
    container.append(slots[name]);
  }

  // --- edges -------------------------------------------------------------
  const paths = {};
  function path(name, cls, marker) {
    if (!paths[name]) {
      const p = document.createElementNS(SVG, 'path');
      p.classList.add('edge', ...cls.split(' '));
      p.dataset.edge = name;
      if (marker) p.setAttribute('marker-end', `url(#${marker})`);
      svg.append(p);
      paths[name] = p;
    }
    return paths[name];
  }
  const labels = {};
  function label(name, text, cls) {
    if (!labels[name]) {
      const t = document.createElementNS(SVG, 'text');
      t.classList.add('loop-label', cls);
      t.textContent = text;
      svg.append(t);
      labels[name] = t;
    }
    return labels[name];
  }

  function box(name) {
    const base = container.getBoundingClientRect();
    const target = NODES[name][1] === 'box' ? nodes[name] : canvases[name];
    const r = target.getBoundingClientRect();
    const x = r.left - base.left;
    const y = r.top - base.top;
    return { x, y, r: x + r.width, b: y + r.height, cx: x + r.width / 2, cy: y + r.height / 2 };
  }

  function layout() {
    const { width, height } = container.getBoundingClientRect();
    if (!width) return;
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const b = Object.fromEntries(Object.keys(NODES).map((n) => [n, box(n)]));
    const gap = 3;
    for (const [from, to] of EDGES) {
      const a = b[from];
      const z = b[to];
      // leave from the source's middle; arrive at the same height when the target is tall enough
      const y0 = a.cy;
      const y1 = NODES[to][1] === 'box' ? Math.min(z.b - 8, Math.max(z.y + 8, y0)) : z.cy;
      const x0 = a.r + gap;
      const x1 = z.x - gap;
      const mid = (x0 + x1) / 2;
      path(edgeName(from, to), 'fwd', 'arrow-fwd')
        .setAttribute('d', `M${x0} ${y0}C${mid} ${y0} ${mid} ${y1} ${x1} ${y1}`);
    }
    // discriminator loop: from D's loss, over the top, down into D
    const top = Math.max(4, b.discriminator.y - 16);
    const dl = b.d_loss;
    const D = b.discriminator;
    path('d_loop', 'loop d', 'arrow-d').setAttribute('d',
      `M${dl.cx} ${dl.y - 14}V${top + 8}Q${dl.cx} ${top} ${dl.cx - 8} ${top}H${D.cx + 8}Q${D.cx} ${top} ${D.cx} ${top + 8}V${D.y - gap}`);
    const dText = label('d_loop', 'update D', 'd');
    dText.setAttribute('x', (D.cx + dl.cx) / 2);
    dText.setAttribute('y', top - 4);
    // generator loop: from G's loss, back through D, through the gradients, up into G
    const gl = b.g_loss;
    const G = b.generator;
    const gr = b.gradients;
    const low = gr.cy;
    const r = 8;
    path('g_loop_loss', 'loop g', 'arrow-g').setAttribute('d',
      `M${gl.cx} ${gl.b + 16}V${low - r}Q${gl.cx} ${low} ${gl.cx - r} ${low}H${D.cx + 14 + r}Q${D.cx + 14} ${low} ${D.cx + 14} ${low - r}V${D.b + gap}`);
    path('g_loop_through', 'loop g', 'arrow-g').setAttribute('d',
      `M${D.cx - 14} ${D.b + gap}V${low - r}Q${D.cx - 14} ${low} ${D.cx - 14 - r} ${low}H${gr.r + gap}`);
    path('g_loop_gen', 'loop g', 'arrow-g').setAttribute('d',
      `M${gr.x - gap} ${low}H${G.cx + r}Q${G.cx} ${low} ${G.cx} ${low - r}V${G.b + gap}`);
    const gText = label('g_loop', 'update G', 'g');
    gText.setAttribute('x', (G.x + G.cx) / 2 - 4);
    gText.setAttribute('y', low + 16);
  }
  new ResizeObserver(() => layout()).observe(container);

  // --- highlighting (slow motion) ----------------------------------------
  function highlight(parts) {
    container.classList.toggle('highlighting', Boolean(parts));
    for (const [name, node] of Object.entries(nodes)) node.classList.toggle('lit', Boolean(parts?.nodes.has(name)));
    for (const [name, p] of Object.entries(paths)) {
      const loop = name.startsWith('d_loop') ? 'd' : name.startsWith('g_loop') ? 'g' : null;
      p.classList.toggle('lit', Boolean(parts && (loop ? parts.loop === loop : parts.edges.has(name))));
    }
  }

  return {
    element: container,
    nodes,
    canvases,
    slots,
    layout,
    highlight,
    setEditing(on) {
      container.classList.toggle('editing', on);
      layout();
    },
    /** Architecture captions in the network boxes, and the loss values. */
    setCaption(name, text) {
      if (captions[name].textContent !== text) captions[name].textContent = text;
    },
    setValue(name, text) {
      if (values[name].textContent !== text) values[name].textContent = text;
    },
  };
}
