// Progressive enhancement only: every page works without this file.
// - a show/hide button beside each password field
// - the password policy list updates as you type
// - a submitted form's buttons are disabled, so a double click sends it once
// - the error summary takes focus after a failed submission
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

  var summary = document.getElementById('form-errors');
  if (summary && !summary.hidden) summary.focus();
})();
