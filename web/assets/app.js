/* Progressive enhancement only: every page works without this file. */
(function () {
  'use strict';

  // Focus the error summary after a failed submission, so keyboard and screen-reader users land on it.
  var summary = document.querySelector('[data-focus]');
  if (summary) summary.focus();

  // Forms that must not be sent twice (a second click would look like "someone else decided first").
  document.querySelectorAll('form[data-once]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      var submitter = e.submitter;
      if (submitter && submitter.name === '_addRow') return;
      if (form.dataset.sent) {
        e.preventDefault();
        return;
      }
      form.dataset.sent = '1';
      form.querySelectorAll('button[type="submit"]').forEach(function (b) {
        b.setAttribute('aria-disabled', 'true');
      });
    });
  });

  // Repeating rows (milestones, deliverables): add a row in place instead of a round trip.
  document.querySelectorAll('[data-add-row]').forEach(function (button) {
    button.addEventListener('click', function (e) {
      var set = button.closest('[data-rows]');
      if (!set) return;
      var list = set.querySelector('.row-list');
      var rows = list.querySelectorAll('[data-row]');
      var max = Number(set.getAttribute('data-max') || 12);
      if (rows.length >= max) return;
      e.preventDefault();
      var last = rows[rows.length - 1];
      var index = rows.length;
      var clone = last.cloneNode(true);
      var prefix = set.getAttribute('data-rows');
      clone.querySelectorAll('[name], [id], [for], [aria-describedby]').forEach(function (el) {
        ['name', 'id', 'for', 'aria-describedby'].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace(new RegExp('(' + prefix + '[.-])\\d+'), '$1' + index));
        });
        if ('value' in el && el.tagName !== 'BUTTON') el.value = '';
        el.removeAttribute('aria-invalid');
        el.removeAttribute('required');
      });
      clone.querySelectorAll('.error').forEach(function (el) {
        el.remove();
      });
      clone.querySelectorAll('.has-error').forEach(function (el) {
        el.classList.remove('has-error');
      });
      clone.querySelectorAll('.req').forEach(function (el) {
        el.remove();
      });
      var title = clone.querySelector('.row-title');
      if (title) title.textContent = title.textContent.replace(/\d+\s*$/, String(index + 1));
      list.appendChild(clone);
      var first = clone.querySelector('input, textarea, select');
      if (first) first.focus();
      if (rows.length + 1 >= max) button.disabled = true;
    });
  });

  // Live sum of the deliverable amounts next to the contract value.
  document.querySelectorAll('[data-sum-of]').forEach(function (out) {
    var form = out.closest('form');
    var prefix = out.getAttribute('data-sum-of');
    function update() {
      var sum = 0;
      form.querySelectorAll('input[name^="' + prefix + '."][name$=".amountUsd"]').forEach(function (i) {
        var n = Number(String(i.value).replace(',', '.'));
        if (isFinite(n)) sum += n;
      });
      // Money as the page's language writes it ("$6,000" / "6 000 $"), like the amounts the server renders.
      out.textContent =
        out.getAttribute('data-sum-label') +
        ' ' +
        sum.toLocaleString(document.documentElement.lang, {
          style: 'currency',
          currency: 'USD',
          maximumFractionDigits: 2,
        });
    }
    form.addEventListener('input', update);
    update();
  });

  // Proposal drafts: the API has no draft route, so drafts live in this browser (localStorage).
  var store;
  try {
    store = window.localStorage;
    store.setItem('rud_probe', '1');
    store.removeItem('rud_probe');
  } catch (e) {
    store = null;
  }
  var clear = document.querySelector('[data-clear-draft]');
  if (clear && store) store.removeItem('rud_draft:' + clear.getAttribute('data-clear-draft'));

  document.querySelectorAll('form[data-draft]').forEach(function (form) {
    if (!store) return;
    var key = 'rud_draft:' + form.getAttribute('data-draft');
    var status = form.querySelector('[data-draft-status]');
    var save = form.querySelector('[data-save-draft]');
    var discard = form.querySelector('[data-discard-draft]');
    var note = form.querySelector('[data-draft-note]');
    [save, discard, note].forEach(function (el) {
      if (el) el.hidden = false;
    });
    var skip = { _csrf: 1, idempotencyKey: 1, callId: 1, countryCode: 1 };
    var isFresh =
      !form.querySelector('.has-error') &&
      !Array.prototype.some.call(form.querySelectorAll('input[type=text], textarea'), function (el) {
        return el.value;
      });

    function collect() {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || skip[el.name] || el.type === 'submit' || el.type === 'button') return;
        if (el.type === 'checkbox' || el.type === 'radio') {
          if (!el.checked) return;
          (data[el.name] = data[el.name] || []).push(el.value);
        } else if (el.value) {
          data[el.name] = el.value;
        }
      });
      return data;
    }
    function say(text) {
      if (!status) return;
      status.hidden = false;
      status.textContent = text;
    }
    function persist(announce) {
      store.setItem(key, JSON.stringify({ at: new Date().toISOString(), data: collect() }));
      if (announce)
        say(form.getAttribute('data-msg-saved') + ' ' + new Date().toLocaleTimeString(document.documentElement.lang));
    }
    function ensureRows(name) {
      var m = /^(\w+)\.(\d+)\./.exec(name);
      if (!m) return;
      var button = form.querySelector('[data-add-row="' + m[1] + '"]');
      var guard = 0;
      while (button && !form.querySelector('[name="' + name.replace(/"/g, '') + '"]') && guard++ < 12) button.click();
    }
    if (isFresh) {
      var saved = null;
      try {
        saved = JSON.parse(store.getItem(key) || 'null');
      } catch (e) {
        saved = null;
      }
      if (saved && saved.data) {
        Object.keys(saved.data).forEach(function (name) {
          ensureRows(name);
          var value = saved.data[name];
          form.querySelectorAll('[name="' + name.replace(/"/g, '') + '"]').forEach(function (el) {
            if (el.type === 'checkbox' || el.type === 'radio')
              el.checked = Array.isArray(value) && value.indexOf(el.value) >= 0;
            else el.value = value;
          });
        });
        say(
          form.getAttribute('data-msg-restored') +
            ' ' +
            new Date(saved.at).toLocaleString(document.documentElement.lang),
        );
      }
    }
    var timer;
    form.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        persist(false);
      }, 600);
    });
    if (save)
      save.addEventListener('click', function () {
        persist(true);
      });
    if (discard)
      discard.addEventListener('click', function () {
        store.removeItem(key);
        say(form.getAttribute('data-msg-discarded'));
      });
  });
})();

// Uploads with progress: the form is sent by XHR (the page works without it, as a plain form post);
// each refused file is named with the API's reason.
(function () {
  var ru = document.documentElement.lang === 'ru';
  document.querySelectorAll('form[data-upload]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.FormData || !window.XMLHttpRequest) return;
      event.preventDefault();
      var progress = form.querySelector('progress');
      var status = form.querySelector('.upload-status');
      var button = form.querySelector('button[type="submit"]');
      var input = form.querySelector('input[type="file"]');
      var names = Array.prototype.map.call(input.files || [], function (f) {
        return f.name;
      });
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.addEventListener('progress', function (e) {
        if (!e.lengthComputable) return;
        progress.hidden = false;
        progress.value = Math.round((e.loaded / e.total) * 100);
        status.textContent = (ru ? 'Загружено ' : 'Uploaded ') + progress.value + '%';
      });
      xhr.addEventListener('load', function () {
        button.disabled = false;
        var body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch (e) {
          body = null;
        }
        if (xhr.status === 201) {
          status.textContent = ru
            ? 'Файлы загружены и ожидают проверки на вредоносное ПО.'
            : 'Uploaded; the files await their malware scan.';
          setTimeout(function () {
            window.location.reload();
          }, 700);
          return;
        }
        progress.hidden = true;
        var error = (body && body.error) || { message: 'HTTP ' + xhr.status };
        var list = document.createElement('ul');
        (error.details || []).forEach(function (d) {
          var m = /^file\.(\d+)$/.exec(d.path);
          var li = document.createElement('li');
          li.textContent = (m && names[+m[1]] ? names[+m[1]] + ': ' : '') + d.message;
          list.appendChild(li);
        });
        status.textContent = (ru ? 'Не загружено: ' : 'Not uploaded: ') + error.message;
        if (list.childNodes.length) status.appendChild(list);
        status.classList.add('is-error');
      });
      xhr.addEventListener('error', function () {
        button.disabled = false;
        status.textContent = ru ? 'Соединение прервано; попробуйте ещё раз.' : 'The connection broke off; try again.';
      });
      button.disabled = true;
      status.classList.remove('is-error');
      status.textContent = ru ? 'Загрузка…' : 'Uploading…';
      xhr.send(new FormData(form));
    });
  });
})();
