// Registers the service worker (web/sw.js) once the page has started, so that
// its downloads never compete with the first visit's, and reports when a newer
// build is waiting.

export function registerServiceWorker({ onUpdateReady = () => {} } = {}) {
  if (!('serviceWorker' in navigator)) return Promise.resolve(null);
  return navigator.serviceWorker.register('sw.js').then((registration) => {
    const waiting = () => registration.waiting && navigator.serviceWorker.controller && onUpdateReady(activate);
    const activate = () => {
      navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
      registration.waiting?.postMessage('skip-waiting');
    };
    registration.addEventListener('updatefound', () => {
      registration.installing?.addEventListener('statechange', waiting);
    });
    waiting();
    return registration;
  });
}
