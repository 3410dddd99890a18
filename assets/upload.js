/* Horizon: uploads go to POST /televerser (written for Horizon, no CDN).
 *  - the header's « Ouvrir un classeur… » (choose or drop a file) and the form of the
 *    editors' page (/edition) send the file with the page's CSRF token;
 *  - a file over the size limit is not sent (assets/horizon.js says why);
 *  - on success the header opens the new version, keeping language, zoom and colours
 *    (the server computes the address); on error the plan shown stays and the sentence
 *    appears in the plan notice (or under the editors' form). */
(function () {
  'use strict';
  var UPLOAD = 'plan-upload';
  var TEXTS = {
    fr: {failed: "Le classeur n'a pas pu être envoyé : vérifiez la connexion et réessayez."},
    en: {failed: 'The workbook could not be sent: check the connection and try again.'}
  };

  function text(key) {
    return (TEXTS[document.documentElement.lang] || TEXTS.fr)[key];
  }

  function csrfToken() {
    var found = document.cookie.match(/(?:^|;\s*)_csrf_token=([^;]*)/);
    return found ? decodeURIComponent(found[1]) : '';
  }

  function tooLarge(file, element) {
    var box = element.closest('[data-max-bytes]');
    var limit = box ? Number(box.getAttribute('data-max-bytes')) : Infinity;
    return file.size > limit;
  }

  function setProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  /* POST the file; `done(ok, answer)` gets the server's JSON ({search} or {error}). */
  function send(file, fields, done) {
    var body = new FormData();
    body.append('fichier', file, file.name);
    Object.keys(fields).forEach(function (name) {
      if (fields[name]) { body.append(name, fields[name]); }
    });
    fetch('/televerser?vue=' + encodeURIComponent(window.location.search), {
      method: 'POST', body: body, credentials: 'same-origin',
      headers: {'X-CSRFToken': csrfToken()}
    }).then(function (response) {
      return response.json().then(function (answer) {
        done(response.ok && answer.search !== undefined, answer);
      }, function () { done(false, {error: text('failed')}); });
    }, function () { done(false, {error: text('failed')}); });
  }

  /* Open another address of this page without reloading it: dcc.Location follows. */
  function openSearch(search) {
    window.history.pushState(null, '', window.location.pathname + search);
    window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
  }

  function fromHeader(file, input) {
    if (!file || tooLarge(file, input)) { return; }
    var plan = new URLSearchParams(window.location.search).get('plan');
    send(file, {plan: plan}, function (ok, answer) {
      if (input) { input.value = ''; }  // the same file can be chosen again
      if (ok) {
        setProps('plan-notice', {children: ''});
        openSearch(answer.search);
      } else {
        setProps('plan-notice', {children: answer.error || text('failed')});
      }
    });
  }

  /* Every [data-file-input] label gets its plain file field (Dash has none). */
  function addFileFields() {
    var labels = document.querySelectorAll('[data-file-input]');
    Array.prototype.forEach.call(labels, function (holder) {
      if (holder.querySelector('input[type=file]')) { return; }
      var input = document.createElement('input');
      input.type = 'file';
      input.name = holder.getAttribute('data-file-input');
      input.accept = holder.getAttribute('data-accept') || '';
      input.className = 'upload-input';
      if (holder.hasAttribute('data-required')) { input.required = true; }
      holder.appendChild(input);
    });
  }
  new MutationObserver(addFileFields).observe(document.documentElement,
                                              {childList: true, subtree: true});

  document.addEventListener('change', function (event) {
    var input = event.target;
    if (input && input.closest && input.closest('#' + UPLOAD) && input.files) {
      fromHeader(input.files[0], input);
    }
  });

  document.addEventListener('dragover', function (event) {
    var zone = event.target && event.target.closest && event.target.closest('#' + UPLOAD);
    if (zone && zone.getAttribute('data-max-bytes')) {
      event.preventDefault();
      zone.classList.add('active');
    }
  });
  document.addEventListener('dragleave', function (event) {
    var zone = event.target && event.target.closest && event.target.closest('#' + UPLOAD);
    if (zone) { zone.classList.remove('active'); }
  });
  document.addEventListener('drop', function (event) {
    var zone = event.target && event.target.closest && event.target.closest('#' + UPLOAD);
    if (zone && zone.getAttribute('data-max-bytes') && event.dataTransfer) {
      event.preventDefault();
      zone.classList.remove('active');
      fromHeader(event.dataTransfer.files[0], zone.querySelector('input[type=file]'));
    }
  });

  /* The editors' page: a form with a file, a label and a plan. */
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute('data-horizon-upload')) { return; }
    event.preventDefault();
    var status = form.getAttribute('data-status');
    var file = form.elements.fichier.files[0];
    if (!file) { return; }
    if (tooLarge(file, form)) {
      setProps(status, {children: form.getAttribute('data-too-large')});
      return;
    }
    var button = form.querySelector('button[type=submit]');
    if (button) { button.disabled = true; }
    send(file, {libelle: form.elements.libelle.value, plan: form.elements.plan.value},
      function (ok, answer) {
        if (button) { button.disabled = false; }
        if (ok) {
          form.reset();
          setProps(form.getAttribute('data-refresh'), {data: answer.search});
        } else {
          setProps(status, {children: answer.error || text('failed')});
        }
      });
  });
})();
