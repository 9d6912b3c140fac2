// Keeps an open poll's tally up to date: the page works without this
// script (it has a "refresh" link); with it, the server's event stream
// replaces the tally whenever the response count changes. The stream ends
// after a while and EventSource connects again by itself.
(function () {
  'use strict';
  var box = document.querySelector('[data-live]');
  if (!box || !('EventSource' in window)) {
    return;
  }
  var source = new EventSource(box.getAttribute('data-live'));
  source.addEventListener('tally', function (event) {
    // Parsed as an inert document, so nothing in it runs.
    var doc = new DOMParser().parseFromString(event.data, 'text/html');
    box.replaceChildren.apply(box, Array.prototype.slice.call(doc.body.childNodes));
  });
  window.addEventListener('pagehide', function () {
    source.close();
  });
})();
