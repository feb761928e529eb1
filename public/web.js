// Guichet's pages work without this file. It only adds: focus on the error summary, and the
// live routing preview of the application form (refreshed as you type, nothing saved).
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
