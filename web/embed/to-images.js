// embed.html#lab=images asks for an embedded image lab: go to images.html in
// its embed mode (images/embed.js) before anything starts, keeping the rest
// of the fragment. A classic script in <head>, as redirect.js.
(function () {
  var parts = location.hash.replace(/^#/, '').split('&').filter(Boolean);
  var lab = parts.filter(function (part) { return part.split('=')[0] === 'lab'; });
  if (!lab.length || lab[lab.length - 1] !== 'lab=images') return;
  var rest = parts.filter(function (part) {
    var key = part.split('=')[0];
    return key !== 'lab' && key !== 'embed';
  });
  window.ganlabRedirecting = true;   // embed/page.js then boots nothing
  location.replace(new URL('images.html#' + ['embed=1'].concat(rest).join('&'), location.href).href);
})();
