// Small DOM helpers shared by the UI modules.

export const $ = (selector, root = document) => root.querySelector(selector);

/** el('div', {class: 'x', dataset: {control: 'y'}}, child, 'text') */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** Set text only when it changed: frames arrive 60 times a second and most
 *  labels stay the same, so this spares the browser needless layout work. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** A number for display: '–' for null (JSON's stand-in for NaN). */
export function fmt(value, digits = 3) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 10 ** -digits || abs >= 1e5)) return value.toExponential(1);
  return value.toFixed(digits);
}

const GROUPED = new Intl.NumberFormat('en-US');
export const fmtInt = (n) => GROUPED.format(n);

/** Is the keyboard focus in a control that wants keys for itself? */
export function typingInto(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON', 'SUMMARY'].includes(target.tagName));
}
