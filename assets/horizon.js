/* Horizon: small behaviours the Dash components do not offer (written for Horizon, no CDN).
 *  - the upload's file input gets the visible text as its name (RGAA: every field labelled);
 *  - a file over the size limit is refused with a sentence, before it is read and sent;
 *  - Escape closes the details panel. */
(function () {
  'use strict';
  var UPLOAD = 'plan-upload';

  var labelled = null;
  new MutationObserver(function () {
    var input = document.querySelector('#' + UPLOAD + ' input[type=file]');
    if (input && input !== labelled) {
      input.setAttribute('aria-labelledby', UPLOAD + '-text');
      labelled = input;
    }
  }).observe(document.documentElement, {childList: true, subtree: true});

  function tooLarge(files) {
    var box = document.querySelector('.upload[data-max-bytes]');
    var limit = box ? Number(box.getAttribute('data-max-bytes')) : Infinity;
    return Array.prototype.some.call(files || [], function (file) { return file.size > limit; });
  }

  function showLimit(show) {
    var notice = document.getElementById(UPLOAD + '-limit');
    if (notice) { notice.hidden = !show; }
  }

  document.addEventListener('change', function (event) {
    var target = event.target;
    if (target && target.closest && target.closest('#' + UPLOAD) && target.files) {
      showLimit(tooLarge(target.files));
    }
  }, true);

  document.addEventListener('drop', function (event) {
    var target = event.target;
    if (target && target.closest && target.closest('#' + UPLOAD) && event.dataTransfer) {
      showLimit(tooLarge(event.dataTransfer.files));
    }
  }, true);

  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') { return; }
    var panel = document.getElementById('action-details');
    if (panel && !panel.hidden && panel.contains(event.target)) {
      var close = document.getElementById('action-details-close');
      if (close) { close.click(); }
    }
  });
})();
