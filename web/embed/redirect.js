// index.html?embed (or #embed=1) asks for the compact lab for iframes: go to
// embed.html before anything starts, keeping the settings in the fragment.
// A classic script in <head>, so the full page never boots a worker first.
(function () {
  var hash = location.hash;
  var inFragment = /(^#|&)embed(=(1|true|yes|on))?(&|$)/.test(hash);
  if (!/[?&]embed(=|&|$)/.test(location.search) && !inFragment) return;
  var rest = hash.replace(/^#/, '').split('&').filter(function (part) {
    return part && part.split('=')[0] !== 'embed';
  });
  window.ganlabRedirecting = true;   // page/early-worker.js then starts no worker
  location.replace(new URL('embed.html' + (rest.length ? '#' + rest.join('&') : ''), location.href).href);
})();
