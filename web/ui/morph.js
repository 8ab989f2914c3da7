// Hovering (or focusing) the generator node plays the paper's Fig. 5: the
// regular noise grid bends into the generator's manifold. The animation runs
// on its own animation frames, so it also plays while training is paused.

const HOLD_START_MS = 350;   // show the plain grid first
const MORPH_MS = 1300;
const HOLD_END_MS = 900;     // then the warped result, then play again

const ease = (x) => (x < 0.5 ? 2 * x * x : 1 - (-2 * x + 2) ** 2 / 2);

export function attachMorph(node, onChange) {
  let started = null;
  let request = null;

  function tick(now) {
    const elapsed = (now - started) % (HOLD_START_MS + MORPH_MS + HOLD_END_MS);
    const t = ease(Math.min(1, Math.max(0, (elapsed - HOLD_START_MS) / MORPH_MS)));
    onChange(t);
    request = requestAnimationFrame(tick);
  }
  function start() {
    if (request !== null) return;
    started = performance.now();
    onChange(0);
    request = requestAnimationFrame(tick);
  }
  function stop() {
    if (request === null) return;
    cancelAnimationFrame(request);
    request = null;
    onChange(1);
  }
  node.tabIndex = 0;
  node.setAttribute('aria-label', 'Generator: hover or focus to see it warp the noise grid');
  node.addEventListener('pointerenter', start);
  node.addEventListener('pointerleave', stop);
  node.addEventListener('focus', start);
  node.addEventListener('blur', stop);
  return { get running() { return request !== null; } };
}
