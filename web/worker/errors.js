// Errors that escape Python in the worker: the page gets plain words, the
// console gets the traceback (a PythonError's message is the whole traceback).

/** A plain message for an exception that escaped Python; the details go to the console. */
export function internalError(what, error) {
  console.error(`GAN Lab worker: internal error while ${what}:`, error?.message ?? error);
  const kind = /^(\w+(Error|Exception))\b/m.exec(String(error?.message ?? '').trim().split('\n').pop() ?? '');
  return `Something went wrong in the lab while ${what}${kind ? ` (${kind[1]})` : ''}. `
    + 'The details are in the browser console.';
}
