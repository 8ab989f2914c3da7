// The one-line message under the top bar: what just happened ("new networks
// built"), or what went wrong ("learning_rate_d must be between ..."). Errors
// stay until the next action; notes fade after a while.

const NOTE_MS = 6000;

// `readable` turns a message into the page's words (labels.js: readableMessage).
export function createMessages(element, { readable = (text) => text } = {}) {
  let timer = null;
  function show(text, kind, persist = false) {
    clearTimeout(timer);
    element.textContent = readable(text);
    element.dataset.kind = kind;
    element.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    if (kind === 'note' && !persist) timer = setTimeout(clear, NOTE_MS);
  }
  function clear() {
    clearTimeout(timer);
    element.textContent = '';
    delete element.dataset.kind;
  }
  return {
    /** A note fades after a while unless `persist` (e.g. what a link could not set). */
    note: (text, { persist = false } = {}) => show(text, 'note', persist),
    error: (text) => show(text, 'error'),
    clear,
    /** Clear an old error when the person does something new (only this
     *  error's text, when given: a module taking back what it said). */
    clearError(text) {
      if (element.dataset.kind === 'error' && (text === undefined || element.textContent === readable(text))) clear();
    },
    /** Wrap a promise: show its rejection as an error; resolves to undefined then. */
    guard(promise) {
      return promise.catch((error) => {
        show(String(error?.message ?? error), 'error');
        return undefined;
      });
    },
  };
}
