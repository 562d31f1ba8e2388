// Progressive enhancement only: every page works without this file.
// - a show/hide button beside each password field
// - the password policy list updates as you type
// - a submitted form's buttons are disabled, so a double click sends it once
// - the error summary takes focus after a failed submission
// - times (<time data-local-time>, UTC in the page) shown in the viewer's own time zone
// - a copy button beside a value marked data-copy (the two-step set-up key)
(function () {
  'use strict';
  // The labels come from the package's <body>, or under a host's layout from this script's own tag (page.head).
  var script = document.currentScript;
  var labels = script && script.hasAttribute('data-show-password') ? script : document.body;
  var showLabel = labels.getAttribute('data-show-password') || 'Show';
  var hideLabel = labels.getAttribute('data-hide-password') || 'Hide';

  document.querySelectorAll('input[type="password"]').forEach(function (input) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'password-toggle';
    button.textContent = showLabel;
    button.setAttribute('aria-controls', input.id);
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('click', function () {
      var shown = input.type === 'text';
      input.type = shown ? 'password' : 'text';
      button.textContent = shown ? showLabel : hideLabel;
      button.setAttribute('aria-pressed', shown ? 'false' : 'true');
    });
    input.insertAdjacentElement('afterend', button);
  });

  var policy = document.getElementById('password-policy');
  var password = policy && document.querySelector('input[aria-describedby~="password-policy"]');
  if (policy && password) {
    var min = Number(policy.getAttribute('data-min')) || 8;
    var symbols = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ';
    var rules = {
      length: function (v) { return Array.from(v).length >= min; },
      uppercase: function (v) { return /[A-Z]/.test(v); },
      lowercase: function (v) { return /[a-z]/.test(v); },
      number: function (v) { return /[0-9]/.test(v); },
      symbol: function (v) { return Array.from(v.trim()).some(function (c) { return symbols.indexOf(c) >= 0; }); },
    };
    password.addEventListener('input', function () {
      policy.querySelectorAll('li[data-rule]').forEach(function (item) {
        var check = rules[item.getAttribute('data-rule')];
        if (!check) return;
        var met = check(password.value);
        item.classList.toggle('met', met);
        item.classList.toggle('unmet', !met && password.value.length > 0);
      });
    });
  }

  document.querySelectorAll('form').forEach(function (form) {
    form.addEventListener('submit', function () {
      // After this event, so the browser still sends the form; a second click finds the buttons disabled.
      setTimeout(function () {
        form.querySelectorAll('button[type="submit"]').forEach(function (b) {
          b.disabled = true;
          b.setAttribute('aria-busy', 'true');
        });
      }, 0);
    });
  });
  // Coming back with the Back button restores the page as it was left: enable the buttons again.
  window.addEventListener('pageshow', function (event) {
    if (!event.persisted) return;
    document.querySelectorAll('button[aria-busy="true"]').forEach(function (b) {
      b.disabled = false;
      b.removeAttribute('aria-busy');
    });
  });

  var lang = document.documentElement.lang || undefined;
  if (window.Intl && Intl.DateTimeFormat) {
    var localTime = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    document.querySelectorAll('time[data-local-time]').forEach(function (el) {
      var at = new Date(el.getAttribute('datetime'));
      if (isNaN(at.getTime())) return;
      el.setAttribute('title', el.textContent);
      el.textContent = localTime.format(at);
    });
  }

  document.querySelectorAll('[data-copy]').forEach(function (slot) {
    var source = document.querySelector(slot.getAttribute('data-copy'));
    if (!source || !navigator.clipboard) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'button-secondary button-small';
    button.textContent = slot.getAttribute('data-copy-label') || 'Copy';
    button.addEventListener('click', function () {
      // The key as the apps take it: without the spaces that group it for reading.
      navigator.clipboard.writeText(source.textContent.replace(/\s+/g, '')).then(function () {
        button.textContent = slot.getAttribute('data-copied-label') || 'Copied';
      }, function () { /* nothing copied: the key stays on the page to type */ });
    });
    slot.appendChild(button);
    slot.setAttribute('role', 'status');
  });

  var summary = document.getElementById('form-errors');
  if (summary && !summary.hidden) summary.focus();
})();
