/* Passkeys (WebAuthn) for Kiosque: enrolment, second factor, passwordless sign-in.

   Forms marked data-passkey="register" | "authenticate" | "login" post their fields (CSRF
   token included) to data-options-url, give the options to the browser, then post the
   browser's answer as the "credential" field to the form's action. The server answers JSON:
   {publicKey}, {redirect} or {error, errors}. The "login" form also starts the conditional
   request (passkeys offered in the autofill of the login field, autocomplete="username webauthn").
   The messages come from the data attributes of this script's tag (translated by Django). */
(function () {
  "use strict";

  var script = document.currentScript;
  var text = {
    unsupported: script.dataset.unsupported,
    cancelled: script.dataset.cancelled,
    failed: script.dataset.failed,
  };
  var supported =
    !!window.PublicKeyCredential &&
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function" &&
    typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function";

  function showError(form, message, errors) {
    var box = form.querySelector(".passkey-error");
    box.textContent = message;
    box.hidden = false;
    Object.keys(errors || {}).forEach(function (name) {
      var input = form.querySelector('[name="' + name + '"]');
      if (input && input.type !== "hidden") {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", "passkey-error-" + name);
        var note = document.getElementById("passkey-error-" + name);
        if (!note) {
          note = document.createElement("p");
          note.id = "passkey-error-" + name;
          note.className = "field-error";
          input.insertAdjacentElement("afterend", note);
        }
        note.textContent = errors[name].join(" ");
      }
    });
  }

  function clearError(form) {
    form.querySelector(".passkey-error").hidden = true;
  }

  function post(url, form, credential) {
    var body = new FormData(form);
    if (credential) {
      body.set("credential", JSON.stringify(credential.toJSON()));
    }
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return response.json().catch(function () {
        return { error: text.failed };
      });
    });
  }

  function finish(form, answer) {
    if (answer.redirect) {
      window.location.assign(answer.redirect);
      return;
    }
    showError(form, answer.error || text.failed, answer.errors);
  }

  function isAbort(error) {
    return error && error.name === "AbortError";
  }

  function register(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearError(form);
      if (!supported) {
        showError(form, text.unsupported);
        return;
      }
      post(form.dataset.optionsUrl, form)
        .then(function (answer) {
          if (!answer.publicKey) {
            return finish(form, answer);
          }
          var publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(answer.publicKey);
          return navigator.credentials.create({ publicKey: publicKey }).then(
            function (credential) {
              return post(form.action, form, credential).then(function (result) {
                finish(form, result);
              });
            },
            function () {
              showError(form, text.cancelled);
            }
          );
        })
        .catch(function () {
          showError(form, text.failed);
        });
    });
  }

  var pending = null; // the AbortController of the request in progress (one at a time)

  function authenticate(form, mediation) {
    if (pending) {
      pending.abort();
    }
    var controller = new AbortController();
    pending = controller;
    return post(form.dataset.optionsUrl, form)
      .then(function (answer) {
        if (!answer.publicKey) {
          return finish(form, answer);
        }
        var request = {
          publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(answer.publicKey),
          signal: controller.signal,
        };
        if (mediation) {
          request.mediation = mediation;
        }
        return navigator.credentials.get(request).then(
          function (credential) {
            return post(form.action, form, credential).then(function (result) {
              finish(form, result);
            });
          },
          function (error) {
            if (!isAbort(error)) {
              showError(form, text.cancelled);
            }
          }
        );
      })
      .catch(function (error) {
        if (!isAbort(error)) {
          showError(form, text.failed);
        }
      });
  }

  function onSubmit(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearError(form);
      if (!supported) {
        showError(form, text.unsupported);
        return;
      }
      authenticate(form, "");
    });
  }

  document.querySelectorAll('form[data-passkey="register"]').forEach(register);
  document.querySelectorAll('form[data-passkey="authenticate"]').forEach(onSubmit);
  document.querySelectorAll('form[data-passkey="login"]').forEach(function (form) {
    if (!supported) {
      return; // the button stays hidden: the password sign-in remains
    }
    form.hidden = false;
    onSubmit(form);
    if (typeof PublicKeyCredential.isConditionalMediationAvailable === "function") {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (available) {
          authenticate(form, "conditional");
        }
      });
    }
  });
})();
