// Files in and out of the lab: save and load an experiment (config, weights,
// optimizer state, epoch, random streams, as one .ganlab file), and export the
// layered view as PNG and the metrics history as CSV.

export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export async function saveExperiment(api) {
  const bytes = await api.save();
  const { config, epoch } = api.state();
  download(new Blob([bytes], { type: 'application/octet-stream' }),
    `ganlab-${config?.distribution ?? 'run'}-epoch${epoch ?? 0}.ganlab`);
}

const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Load a saved experiment from a File; resolves to a message for the page (never throws). */
export async function loadExperiment(api, file) {
  if (!file) return { ok: false, message: 'No file was chosen.' };
  if (file.size > MAX_FILE_BYTES) return { ok: false, message: `${file.name} is too large to be a saved experiment.` };
  try {
    await api.load(new Uint8Array(await file.arrayBuffer()));
    const { epoch, config } = api.state();
    return { ok: true, message: `Loaded ${file.name}: ${config.distribution}, epoch ${epoch}.` };
  } catch (error) {
    return { ok: false, message: `Could not load ${file.name}: ${error.message}. Nothing was changed.` };
  }
}

/** A file input and drag-and-drop onto `target` both load experiments; `report(result)` shows the outcome. */
export function wireLoading(api, { input, target, report }) {
  input?.addEventListener('change', async () => {
    report(await loadExperiment(api, input.files[0]));
    input.value = '';
  });
  if (!target) return;
  target.addEventListener('dragover', (event) => {
    if ([...(event.dataTransfer?.types ?? [])].includes('Files')) {
      event.preventDefault();
      target.classList.add('dropping');
    }
  });
  target.addEventListener('dragleave', () => target.classList.remove('dropping'));
  target.addEventListener('drop', async (event) => {
    event.preventDefault();
    target.classList.remove('dropping');
    report(await loadExperiment(api, event.dataTransfer.files[0]));
  });
}

/** Rows of objects -> CSV text with the given columns. */
export function toCsv(rows, columns) {
  const cell = (v) => (v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : `"${String(v).replace(/"/g, '""')}"`);
  return [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(','))].join('\n') + '\n';
}

export function exportCsv(rows, filename = 'ganlab-metrics.csv') {
  download(new Blob([toCsv(rows, ['epoch', 'd_loss', 'g_loss', 'kl', 'js'])], { type: 'text/csv' }), filename);
}

/** The BokehJS view drawn inside `element` (Bokeh.index holds every root view). */
export function bokehViewIn(element) {
  for (const view of Object.values(Bokeh.index)) {
    if (element.contains(view.el) || view.el?.parentNode === element || element.shadowRoot?.contains(view.el)) return view;
  }
  return null;
}

/** PNG of the Bokeh plot inside `element`, as a Blob. */
export async function plotPng(element) {
  const view = bokehViewIn(element);
  if (!view) throw new Error('no plot to export');
  return view.export('png').to_blob();
}

export async function exportPng(element, filename = 'ganlab-layered-view.png') {
  download(await plotPng(element), filename);
}
