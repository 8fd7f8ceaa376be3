// Shows how the page cache answered this page (its Server-Timing entry). The page works without it.
(function () {
  var nav = window.performance && performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
  var el = document.getElementById('cache-status');
  if (!nav || !nav.serverTiming || !el) { return; }
  nav.serverTiming.forEach(function (t) {
    if (t.name === 'cache') { el.textContent = 'This response: ' + t.description + '.'; }
  });
})();
