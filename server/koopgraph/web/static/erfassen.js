/* Koopgraph forms (/forms): progressive enhancement of the plain HTML form.
 *
 * Without this file everything works by submitting: "Prüfen" re-renders the
 * page with the messages, "+ weitere Angabe" adds a row, suggestions come
 * from the <datalist> the server rendered. With it:
 * - checking while typing: the form's data is posted to the form's own
 *   address with aktion=pruefen and Accept: application/json; the server
 *   turns it into RDF and validates it against the shapes in the context of
 *   the graph (nothing is stored); each message appears next to its field
 *   (fields the user has not touched yet stay quiet until "Prüfen");
 * - pickers search the graph as you type (/forms/search) and fill their
 *   <datalist>;
 * - "+ weitere Angabe" copies a row in place; the slug is suggested from the
 *   first name until the user types one.
 * Loaded with <script src defer>; no inline script or style, so a strict
 * Content-Security-Policy fits. Text is only inserted with textContent.
 */
(function () {
  "use strict";

  var form = document.getElementById("erfassen-form");
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) {
    return;
  }
  var lang = document.documentElement.lang === "en" ? "en" : "de";
  var T = lang === "en" ? {
    checking: "Checking …", network: "The server cannot be reached; the check will run again when you change something.",
    soFar: "No problems so far; not all required fields are filled in yet.", more: "Nothing found for this."
  } : {
    checking: "Wird geprüft …", network: "Der Server ist nicht erreichbar; die Prüfung läuft bei der nächsten Änderung wieder.",
    soFar: "Bisher keine Fehler; noch sind nicht alle Pflichtangaben ausgefüllt.", more: "Dazu wurde nichts gefunden."
  };
  var status = document.getElementById("erfassen-status");
  var preview = document.getElementById("vorschau");
  var touched = {};
  var showAll = false;
  var sequence = 0;
  var timer = null;

  function fieldOf(node) {
    return node && node.closest ? node.closest(".feld[data-key]") : null;
  }

  function element(name, text, attributes) {
    var node = document.createElement(name);
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    Object.keys(attributes || {}).forEach(function (key) {
      node.setAttribute(key, attributes[key]);
    });
    return node;
  }

  /* ------------------------------------------------------------ checking */

  function formBody(action) {
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (key !== "aktion") {
        body.append(key, value);
      }
    });
    body.append("aktion", action);
    return body;
  }

  function show(field, messages) {
    var list = field.querySelector(".feldfehler");
    var rule = field.querySelector(".regel");
    if (!list) {
      return;
    }
    list.textContent = "";
    messages.forEach(function (message) {
      list.appendChild(element("li", message));
    });
    field.classList.toggle("hat-fehler", messages.length > 0);
    if (rule) {
      rule.hidden = messages.length > 0;
    }
    Array.prototype.forEach.call(field.querySelectorAll("input:not([type=hidden]), select"), function (control) {
      if (messages.length) {
        control.setAttribute("aria-invalid", "true");
      } else {
        control.removeAttribute("aria-invalid");
      }
    });
  }

  function render(result) {
    var shown = 0;
    var summary = document.querySelector(".fehlerliste");
    if (summary) {
      summary.parentNode.removeChild(summary); /* the server's list is stale now */
    }
    Array.prototype.forEach.call(form.querySelectorAll(".feld[data-key]"), function (field) {
      var key = field.getAttribute("data-key");
      var messages = (showAll || touched[key]) ? (result.fields[key] || []) : [];
      shown += messages.length;
      show(field, messages);
    });
    if (showAll && result.general.length) {
      shown += result.general.length;
    }
    if (status) {
      var text = result.summary;
      var level = result.level;
      if (!showAll && shown === 0 && !result.conforms) {
        text = T.soFar;
        level = "";
      }
      status.className = "status " + level;
      status.textContent = text + (showAll && result.general.length ? " " + result.general.join(" ") : "");
    }
    if (preview) {
      preview.querySelector("pre").textContent = result.turtle;
      preview.hidden = false;
    }
  }

  function check() {
    var mine = ++sequence;
    if (status && showAll) {
      status.className = "status";
      status.textContent = T.checking;
    }
    var url = form.getAttribute("action") + "?lang=" + lang;
    fetch(url, {
      method: "POST", body: formBody("pruefen"), credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) {
        if (mine !== sequence) {
          return; /* an older answer; a newer check is on its way */
        }
        if (!response.ok) {
          var error = data.error || {};
          status.className = "status fehler";
          status.textContent = (lang === "en" ? error.message_en : error.message) || String(response.status);
          return;
        }
        render(data);
      });
    }).catch(function () {
      if (mine === sequence && status) {
        status.className = "status fehler";
        status.textContent = T.network;
      }
    });
  }

  function later(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, delay);
  }

  form.addEventListener("input", function (event) {
    var field = fieldOf(event.target);
    if (field) {
      touched[field.getAttribute("data-key")] = true;
    }
    later(500);
  });
  form.addEventListener("change", function (event) {
    var field = fieldOf(event.target);
    if (field) {
      touched[field.getAttribute("data-key")] = true;
    }
    later(150);
  });

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var action = submitter ? submitter.value : "pruefen";
    if (action === "pruefen") {
      event.preventDefault();
      showAll = true;
      window.clearTimeout(timer);
      check();
    }
  });

  /* ------------------------------------------------------------ more rows */

  function renumber(node, index) {
    Array.prototype.forEach.call(node.querySelectorAll("[id]"), function (control) {
      control.id = control.id.replace(/-\d+(-sprache)?$/, "-" + index + "$1");
    });
    Array.prototype.forEach.call(node.querySelectorAll("label[for]"), function (label) {
      label.setAttribute("for", label.getAttribute("for").replace(/-\d+(-sprache)?$/, "-" + index + "$1"));
    });
  }

  Array.prototype.forEach.call(form.querySelectorAll("button.mehr"), function (button) {
    button.addEventListener("click", function (event) {
      var field = fieldOf(button);
      var rows = field.querySelectorAll(".zeile");
      if (!rows.length) {
        return;
      }
      event.preventDefault();
      var copy = rows[rows.length - 1].cloneNode(true);
      var index = rows.length + 1;
      renumber(copy, index);
      var label = copy.querySelector("label");
      label.textContent = field.getAttribute("data-label") + " (" + index + ")";
      Array.prototype.forEach.call(copy.querySelectorAll("input, select"), function (control) {
        control.removeAttribute("required");
        control.removeAttribute("aria-invalid");
        if (control.tagName === "SELECT" && /@sprache$/.test(control.name)) {
          return; /* keep the language */
        }
        if (control.type !== "hidden") {
          control.value = "";
        }
      });
      rows[rows.length - 1].parentNode.insertBefore(copy, rows[rows.length - 1].nextSibling);
      var first = copy.querySelector("input:not([type=hidden]), select");
      if (first) {
        first.focus();
      }
    });
  });

  /* ------------------------------------------------------------ pickers */

  var searchUrl = form.getAttribute("data-suche");
  var searches = {};

  function search(input) {
    var text = input.value.trim();
    var list = input.list;
    if (!list || text.length < 2 || /\([^()\s]+\)\s*$/.test(text)) {
      return;
    }
    var mine = (searches[list.id] || 0) + 1;
    searches[list.id] = mine;
    var params = new URLSearchParams({ klasse: input.getAttribute("data-klassen"), q: text, lang: lang });
    fetch(searchUrl + "?" + params.toString(), { headers: { Accept: "application/json" } }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data || searches[list.id] !== mine) {
        return;
      }
      list.textContent = "";
      data.results.forEach(function (item) {
        list.appendChild(element("option", null, { value: item.value, label: item.kind }));
      });
    }).catch(function () { /* the rendered suggestions stay */ });
  }

  form.addEventListener("input", function (event) {
    var input = event.target;
    if (input.hasAttribute && input.hasAttribute("data-klassen")) {
      window.clearTimeout(input.searchTimer);
      input.searchTimer = window.setTimeout(function () {
        search(input);
      }, 200);
    }
  });

  /* ------------------------------------------------------------ slug from the name */

  var slug = document.getElementById("f-kuerzel");
  var name = form.querySelector("[data-key='rdfs:label'] input[type=text]");
  var slugTyped = slug && slug.value !== "";

  function slugOf(text) {
    var map = { "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss" };
    var made = text.toLowerCase().replace(/[äöüß]/g, function (c) {
      return map[c];
    }).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    if (made.length > 60) { /* short, and cut between words */
      made = made.slice(0, 61);
      made = made.slice(0, made.lastIndexOf("-") > 0 ? made.lastIndexOf("-") : 60);
    }
    return made;
  }

  if (slug && name) {
    slug.addEventListener("input", function () {
      slugTyped = slug.value !== "";
    });
    name.addEventListener("input", function () {
      if (!slugTyped) {
        slug.value = slugOf(name.value);
      }
    });
  }
})();
