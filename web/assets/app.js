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
        if (el.tagName === 'SELECT') el.selectedIndex = 0;
        else if ('value' in el && el.tagName !== 'BUTTON' && el.tagName !== 'OUTPUT') el.value = '';
        if (el.tagName === 'OUTPUT') el.textContent = '';
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
      clone.querySelectorAll('[data-line-cost]').forEach(function (out) {
        out.setAttribute('data-line-cost', String(index));
        out.textContent = '';
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

  // Confirmations (deleting a draft): a plain form posts without asking when scripts are off.
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      if (!window.confirm(form.getAttribute('data-confirm'))) e.preventDefault();
    });
  });

  // Proposal drafts live on the server: the form is saved as it is typed (a draft is created on the
  // first change), and each save answers the budget's totals and the problems per cell, computed by
  // the same functions as the submission; they are shown in place.
  document.querySelectorAll('form[data-autosave]').forEach(function (form) {
    var url = form.getAttribute('data-autosave');
    var status = form.querySelector('[data-draft-status]');
    var draftField = form.querySelector('input[name="draftId"]');
    var timer;
    var inFlight = null;
    var again = false;
    var submitting = false;

    function say(text) {
      if (!status) return;
      status.hidden = false;
      status.textContent = text;
    }
    function setError(name, messages) {
      var slot = form.querySelector('[data-error-for="' + name + '"]');
      var input = form.querySelector('[name="' + name + '"]');
      var holder = slot || (input && input.closest('.field'));
      if (!holder) return;
      var id = slot ? slot.id : input.id;
      var p = holder.querySelector('.error');
      if (messages && messages.length) {
        if (!p) {
          p = document.createElement('p');
          p.className = 'error';
          p.id = id + '-error';
          if (input && !slot) holder.insertBefore(p, input);
          else holder.appendChild(p);
        }
        p.textContent = '✖ ' + messages.join('; ');
        holder.classList.add('has-error');
        if (input && !slot) {
          input.setAttribute('aria-invalid', 'true');
          var d = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
          if (d.indexOf(p.id) < 0) d.push(p.id);
          input.setAttribute('aria-describedby', d.join(' '));
        }
      } else if (p) {
        p.remove();
        holder.classList.remove('has-error');
        if (input && !slot) {
          input.removeAttribute('aria-invalid');
          var rest = (input.getAttribute('aria-describedby') || '').split(' ').filter(function (x) {
            return x && x !== id + '-error';
          });
          if (rest.length) input.setAttribute('aria-describedby', rest.join(' '));
          else input.removeAttribute('aria-describedby');
        }
      }
    }
    function show(answer) {
      var totals = answer.totals;
      if (totals) {
        form.querySelectorAll('[data-total]').forEach(function (out) {
          var v = totals[out.getAttribute('data-total')];
          if (v !== undefined) out.textContent = v;
        });
        form.querySelectorAll('[data-line-cost]').forEach(function (out) {
          var v = totals.lineCostUsd[Number(out.getAttribute('data-line-cost'))];
          out.textContent = v === undefined ? '' : v;
        });
      }
      // Live errors are the budget's cells and totals, and the intake rules; the rest shows on submission.
      var live = {};
      form.querySelectorAll('[name^="budget."], [data-error-for]').forEach(function (el) {
        live[el.getAttribute('name') || el.getAttribute('data-error-for')] = true;
      });
      Object.keys(answer.errors).forEach(function (name) {
        live[name] = true;
      });
      Object.keys(live).forEach(function (name) {
        var managed = /^budget\./.test(name) || answer.errors[name];
        if (managed || form.querySelector('[data-error-for="' + name + '"]')) setError(name, answer.errors[name]);
      });
    }
    function save() {
      if (submitting) return;
      if (inFlight) {
        again = true;
        return;
      }
      var body = new URLSearchParams(new FormData(form));
      body.delete('idempotencyKey');
      inFlight = fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: body,
        credentials: 'same-origin',
      })
        .then(function (res) {
          if (!res.ok) throw new Error('HTTP ' + res.status);
          return res.json();
        })
        .then(function (answer) {
          if (draftField && !draftField.value) {
            draftField.value = answer.draftId;
            if (window.history && history.replaceState) history.replaceState(null, '', '/app/drafts/' + answer.draftId);
          }
          form.setAttribute('data-draft-id', answer.draftId);
          say(form.getAttribute('data-msg-saved').replace('{time}', answer.savedAt));
          show(answer);
        })
        .catch(function () {
          say(form.getAttribute('data-msg-failed'));
        })
        .then(function () {
          inFlight = null;
          if (again) {
            again = false;
            save();
          }
        });
    }
    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(save, 700);
    }
    form.addEventListener('input', schedule);
    form.addEventListener('change', schedule);
    // Once the proposal is sent, no save may follow: one arriving after the submission would
    // find its draft deleted and create it again.
    form.addEventListener('submit', function (event) {
      if (event.defaultPrevented) return;
      submitting = true;
      again = false;
      clearTimeout(timer);
    });
  });
})();

// Staged uploads of the new-proposal page: one ticked checkbox per uploaded file, joined to the proposal's form.
function addStaged(form, items) {
  var section = form.closest('section');
  var list = section && section.querySelector('[data-staged-list]');
  if (!list) return;
  var empty = section.querySelector('[data-staged-empty]');
  if (empty) empty.remove();
  items.forEach(function (d) {
    var li = document.createElement('li');
    li.className = 'choice';
    var box = document.createElement('input');
    box.type = 'checkbox';
    box.id = 'staged-' + d.id;
    box.name = 'documentIds';
    box.value = d.id;
    box.checked = true;
    box.setAttribute('form', form.getAttribute('data-form-id'));
    var label = document.createElement('label');
    label.htmlFor = box.id;
    label.textContent = d.name;
    li.appendChild(box);
    li.appendChild(label);
    list.appendChild(li);
  });
}

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
          if (form.hasAttribute('data-staged')) {
            // The new-proposal page: the uploads join the list, ticked to go with the form; nothing typed is lost.
            addStaged(form, (body && body.items) || []);
            progress.hidden = true;
            input.value = '';
            return;
          }
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
