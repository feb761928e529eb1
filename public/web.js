// Guichet's pages work without this file. It only adds: focus on the error summary, the
// live routing preview of the application form (refreshed as you type, nothing saved), and
// documents sent in the background with a progress bar.
(function () {
  'use strict';
  var summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();

  var form = document.querySelector('form[data-application-form][data-preview-url]');
  var target = document.getElementById('routing-preview');
  if (!form || !target || !window.fetch || !window.URLSearchParams) return;
  var timer = null;
  var pending = null;
  function refresh() {
    var body = new URLSearchParams(new FormData(form));
    body.delete('action');
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(form.getAttribute('data-preview-url'), {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      signal: pending.signal,
    })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (html) { if (html !== null) target.innerHTML = html; })
      .catch(function () { /* keep the last preview */ });
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
})();

// Documents: the upload form is sent in the background (XMLHttpRequest, for its upload progress),
// the CSRF token in a header as well as in the form; the server answers exactly as without
// JavaScript (the form page, or the refusal beside the file field), and its documents section
// replaces this one.
(function () {
  'use strict';
  if (!window.XMLHttpRequest || !window.FormData || !window.DOMParser || !Element.prototype.closest) return;
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-document-upload')) return;
    var section = form.closest('[data-documents]');
    var bar = form.querySelector('progress');
    var box = form.querySelector('[data-upload-progress]');
    var status = form.querySelector('[data-upload-status]');
    var button = form.querySelector('button[type=submit]');
    var token = form.querySelector('input[name=_csrf]');
    if (!section || !bar || !box || !status || !button) return;
    event.preventDefault();
    var body = new FormData(form);
    var xhr = new XMLHttpRequest();
    function failed() {
      button.disabled = false;
      box.hidden = true;
      status.textContent = form.getAttribute('data-failed');
    }
    xhr.open('POST', form.action);
    xhr.responseType = 'document';
    if (token) xhr.setRequestHeader('X-CSRF-Token', token.value);
    xhr.upload.addEventListener('progress', function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener('load', function () {
      var fresh = xhr.response && xhr.response.querySelector('[data-documents]');
      if (!fresh) return failed();
      fresh = document.importNode(fresh, true);
      section.replaceWith(fresh);
      var refusal = fresh.querySelector('.error-message');
      if (xhr.status >= 400 && refusal) {
        refusal.setAttribute('tabindex', '-1');
        refusal.focus();
        return;
      }
      var doneBox = fresh.querySelector('[data-upload-progress]');
      var doneBar = fresh.querySelector('progress');
      var doneStatus = fresh.querySelector('[data-upload-status]');
      var doneForm = fresh.querySelector('form[data-document-upload]');
      if (doneBox && doneBar) {
        doneBox.hidden = false;
        doneBar.value = 100;
      }
      if (doneStatus && doneForm) doneStatus.textContent = doneForm.getAttribute('data-uploaded');
    });
    xhr.addEventListener('error', failed);
    xhr.addEventListener('abort', failed);
    box.hidden = false;
    bar.value = 0;
    status.textContent = form.getAttribute('data-uploading');
    button.disabled = true;
    xhr.send(body);
  });
})();
