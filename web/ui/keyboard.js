// Keyboard shortcuts: space plays and pauses, unless the focus is in a
// control that uses the key itself (a button, a field, a drop-down).

import { typingInto } from './dom.js';

export function attachKeyboard({ api, messages }) {
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === ' ' && !typingInto(event.target)) {
      event.preventDefault();   // not a page scroll
      messages.clearError();
      messages.guard(api.toggle());
    }
  });
}
