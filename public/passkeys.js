// Passkey forms: <form data-passkey="register"> (the profile's passkeys page) and <form data-passkey="sign-in">.
// On submit it runs the browser's WebAuthn ceremony with @simplewebauthn/browser (the global
// SimpleWebAuthnBrowser, loaded before this file), writes the result as JSON into the form's hidden
// `credential` field and posts the form. On failure nothing is posted: the form's [data-passkey-error]
// element shows the message the page put in the form's data-passkey-error-* attributes (this file holds
// no text of its own). Without WebAuthn the form's buttons are disabled and the page says why.
(function () {
  'use strict';
  var forms = document.querySelectorAll('form[data-passkey]');
  if (forms.length === 0) return;
  var library = window.SimpleWebAuthnBrowser;
  var supported = typeof window.PublicKeyCredential === 'function' && !!library;

  function buttonsOf(form) {
    return form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]');
  }

  function setBusy(form, busy) {
    buttonsOf(form).forEach(function (b) {
      b.disabled = busy;
      if (busy) b.setAttribute('aria-busy', 'true');
      else b.removeAttribute('aria-busy');
    });
  }

  function message(form, kind) {
    return form.getAttribute('data-passkey-error-' + kind) || form.getAttribute('data-passkey-error-failed') || '';
  }

  function show(form, text) {
    var box = form.querySelector('[data-passkey-error]');
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
  }

  // WebAuthn's DOMException names (simplewebauthn keeps them on its WebAuthnError).
  function kindOf(err) {
    var name = err && err.name;
    if (name === 'NotAllowedError' || name === 'AbortError') return 'cancelled';
    if (name === 'InvalidStateError') return 'exists';
    if (name === 'SecurityError') return 'security';
    return 'failed';
  }

  function optionsOf(form) {
    var element = form.querySelector('script[type="application/json"][data-passkey-options]');
    return element ? JSON.parse(element.textContent || '') : undefined;
  }

  forms.forEach(function (form) {
    if (!supported) {
      setBusy(form, true);
      buttonsOf(form).forEach(function (b) {
        b.removeAttribute('aria-busy');
      });
      show(form, message(form, 'unsupported'));
      return;
    }
    var mode = form.getAttribute('data-passkey');
    var running = false;
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (running) return;
      var credential = form.querySelector('input[name="credential"]');
      var optionsJSON;
      try {
        optionsJSON = optionsOf(form);
      } catch (err) {
        optionsJSON = undefined;
      }
      if (!credential || !optionsJSON || (mode !== 'register' && mode !== 'sign-in')) {
        show(form, message(form, 'failed'));
        return;
      }
      running = true;
      setBusy(form, true);
      var box = form.querySelector('[data-passkey-error]');
      if (box) box.hidden = true;
      var ceremony = mode === 'register' ? library.startRegistration({ optionsJSON: optionsJSON }) : library.startAuthentication({ optionsJSON: optionsJSON });
      ceremony.then(
        function (result) {
          credential.value = JSON.stringify(result);
          // The prototype's submit: fires no submit event (no second ceremony), whatever the form's fields are named.
          HTMLFormElement.prototype.submit.call(form);
        },
        function (err) {
          running = false;
          // After package app.js's own submit handler, which disables the buttons a moment after each submit.
          setTimeout(function () {
            setBusy(form, false);
          }, 0);
          show(form, message(form, kindOf(err)));
        }
      );
    });
  });
})();
