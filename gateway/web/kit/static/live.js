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
  // A polite status region outside the replaced tally tells screen reader
  // users the new response count, at most every 15 seconds so that a busy
  // poll does not talk over everything else.
  var status = document.getElementById(box.getAttribute('data-status'));
  var lastSaid = 0;
  var source = new EventSource(box.getAttribute('data-live'));
  source.addEventListener('tally', function (event) {
    // Parsed as an inert document, so nothing in it runs.
    var doc = new DOMParser().parseFromString(event.data, 'text/html');
    box.replaceChildren.apply(box, Array.prototype.slice.call(doc.body.childNodes));
    var count = box.querySelector('.mdn-tally__responses');
    var now = Date.now();
    if (status && count && now - lastSaid >= 15000 && status.textContent !== count.textContent) {
      status.textContent = count.textContent;
      lastSaid = now;
    }
  });
  window.addEventListener('pagehide', function () {
    source.close();
  });
})();
