// Sharing: a "share" button that copies the page's link (the URL fragment
// already holds every setting), and a classroom panel where a teacher ticks
// the controls to hide and gets a link for that view. Controls are found by
// their data-control attribute, so any page can offer this.

export function hideControls(names) {
  // Only what this function hid is shown again: other code hides elements too.
  const hidden = new Set(names);
  for (const element of document.querySelectorAll('[data-control]')) {
    if (hidden.has(element.dataset.control)) {
      element.hidden = true;
      element.dataset.teacherHidden = '';
    } else if ('teacherHidden' in element.dataset) {
      element.hidden = false;
      delete element.dataset.teacherHidden;
    }
  }
}

/** 'learning_rate_d' -> 'learning rate (D)', 'g_layers' -> 'G layers', 'layer-fake' -> 'layer: fake'. */
export function readableControl(name) {
  return name.replace(/^([dg])_/, (_, net) => `${net.toUpperCase()} `)
    .replace(/_([dg])$/, (_, net) => ` (${net.toUpperCase()})`)
    .replace(/^(layer|metrics|export)-/, '$1: ')
    .replace(/[_-]/g, ' ');
}

async function copy(text, fallbackInput) {
  fallbackInput.value = text;   // always visible in the box too
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // no clipboard permission (an iframe, an old browser): leave it selected in the box instead
    fallbackInput.value = text;
    fallbackInput.select();
    return false;
  }
}

/**
 * shareButton: copies linkFor([]) ; the panel lists every data-control on the
 * page (except its own) and copies linkFor(hidden names) for the teacher.
 * onHide(names) applies a choice to this page too (and should update the URL);
 * report(text) tells the person what the share button did.
 */
export function createSharePanel({ shareButton, panel, linkFor, onHide, initiallyHidden = [], report = null }) {
  const status = panel.querySelector('[data-share-status]');
  const box = panel.querySelector('input[data-share-link]');
  const list = panel.querySelector('[data-share-controls]');
  const hidden = new Set(initiallyHidden);

  const names = [...new Set([...document.querySelectorAll('[data-control]')]
    .filter((el) => !panel.contains(el) && !el.contains(panel) && !el.contains(shareButton))
    .map((el) => el.dataset.control))].sort();
  for (const name of names) {
    const label = document.createElement('label');
    const tick = Object.assign(document.createElement('input'), { type: 'checkbox', checked: hidden.has(name) });
    tick.dataset.hide = name;
    tick.addEventListener('change', () => {
      if (tick.checked) hidden.add(name);
      else hidden.delete(name);
      onHide([...hidden]);
    });
    label.append(tick, ' ', readableControl(name));
    list.append(label);
  }

  shareButton.addEventListener('click', async () => {
    const link = linkFor([...hidden]);
    const copied = await copy(link, box);
    const text = copied ? 'Link copied: it opens this run with the same data, settings and starting weights.'
      : 'The link could not be copied: copy it from the box in the classroom panel.';
    status.textContent = text;
    if (!copied) panel.closest('details')?.setAttribute('open', '');
    report?.(text);
  });
  panel.querySelector('[data-share-copy]')?.addEventListener('click', async () => {
    const copied = await copy(linkFor([...hidden]), box);
    status.textContent = copied ? 'Classroom link copied.' : 'Copy the link from the box.';
  });
  return { hidden: () => [...hidden] };
}

/**
 * The page's autoplay box and Share / classroom panel, kept in step with its
 * page state (url-state); the same wiring on index.html and images.html.
 */
export function connectSharing(pageState, messages) {
  const autoplay = document.querySelector('#autoplay');
  autoplay.checked = pageState.autoplay;
  autoplay.addEventListener('change', () => pageState.setAutoplay(autoplay.checked));
  const shareButton = document.querySelector('#share');
  createSharePanel({
    shareButton,
    panel: document.querySelector('#classroom .classroom-panel'),
    linkFor: (hide) => pageState.link(hide),
    onHide: (names) => pageState.setHidden(names),
    initiallyHidden: pageState.hidden,
    report: (text) => messages.note(text),
  });
  shareButton.disabled = false;
}
