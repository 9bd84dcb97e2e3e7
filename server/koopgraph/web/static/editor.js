/* Koopgraph SPARQL editor: progressive enhancement of the plain GET form.
 *
 * Without this file the form submits to /sparql and the browser shows the
 * endpoint's answer. With it, example links fill the textarea, and the query
 * runs via fetch; the result becomes a table in the page with a CSV link.
 * Loaded with <script src defer>: no inline script, works under a strict
 * Content-Security-Policy (script-src 'self'). Text is only ever inserted
 * with textContent, never as HTML.
 */
(function () {
  "use strict";

  var form = document.getElementById("sparql-form");
  var output = document.getElementById("sparql-ergebnis");
  if (!form || !output || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var textarea = form.querySelector("textarea[name=query]");
  var ID = "https://w3id.org/koopgraph/id/";
  var ONTOLOGY = "https://w3id.org/koopgraph/ontology#";
  var en = document.documentElement.lang === "en";
  var T = en ? {
    running: "Running query …", rows: " rows", row: " row", csv: "download CSV", answer: "Answer: ",
    yes: "yes", no: "no", error: "The query failed: ", network: "The server cannot be reached.", result: "Result",
    turtle: "Result as Turtle"
  } : {
    running: "Abfrage läuft …", rows: " Zeilen", row: " Zeile", csv: "CSV herunterladen", answer: "Antwort: ",
    yes: "ja", no: "nein", error: "Die Abfrage ist fehlgeschlagen: ", network: "Der Server ist nicht erreichbar.",
    result: "Ergebnis", turtle: "Ergebnis als Turtle"
  };

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

  function localHref(iri) {
    if (iri.indexOf(ID) === 0) {
      return "/id/" + iri.slice(ID.length);
    }
    if (iri.indexOf(ONTOLOGY) === 0) {
      return "/ontology#" + iri.slice(ONTOLOGY.length);
    }
    return /^https?:\/\//.test(iri) ? iri : null;
  }

  function cell(binding) {
    var td = element("td");
    if (!binding) {
      return td;
    }
    var href = binding.type === "uri" ? localHref(binding.value) : null;
    var inner = element(href ? "a" : "span", binding.value, href ? { href: href } : {});
    if (binding["xml:lang"]) {
      inner.setAttribute("lang", binding["xml:lang"]);
    }
    td.appendChild(inner);
    return td;
  }

  function table(head, bindings) {
    var wrapper = element("div", null, { "class": "tabelle", role: "region", "aria-label": T.result, tabindex: "0" });
    var tableNode = element("table");
    tableNode.appendChild(element("caption", T.result));
    var headRow = element("tr");
    head.vars.forEach(function (name) {
      headRow.appendChild(element("th", name, { scope: "col" }));
    });
    tableNode.appendChild(element("thead")).appendChild(headRow);
    var body = element("tbody");
    bindings.forEach(function (binding) {
      var row = element("tr");
      head.vars.forEach(function (name) {
        row.appendChild(cell(binding[name]));
      });
      body.appendChild(row);
    });
    tableNode.appendChild(body);
    wrapper.appendChild(tableNode);
    return wrapper;
  }

  function csvLink(query) {
    var params = new URLSearchParams({ query: query, format: "csv" });
    return element("a", T.csv, { href: "/sparql?" + params.toString(), download: "koopgraph.csv" });
  }

  function show(nodes) {
    output.textContent = "";
    nodes.forEach(function (node) {
      output.appendChild(node);
    });
  }

  function showJson(data, query) {
    if (typeof data.boolean === "boolean") {
      show([element("p", T.answer + (data.boolean ? T.yes : T.no), { "class": "antwort" })]);
      return;
    }
    var count = data.results.bindings.length;
    var summary = element("p", count + (count === 1 ? T.row : T.rows) + " · ", { "class": "anzahl" });
    summary.appendChild(csvLink(query));
    show([summary, table(data.head, data.results.bindings)]);
  }

  function showError(text) {
    show([element("p", text, { "class": "fehler", role: "alert" })]);
  }

  function run(query) {
    show([element("p", T.running)]);
    var url = "/sparql?" + new URLSearchParams({ query: query }).toString();
    var accept = "application/sparql-results+json, text/turtle;q=0.9";
    fetch(url, { headers: { Accept: accept } }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        return response.json().then(function (body) {
          var error = body.error || {};
          showError(T.error + (en ? error.message_en : error.message) + " (" + response.status + ")");
        }, function () {
          showError(T.error + response.status);
        });
      }
      if (type.indexOf("text/turtle") === 0) {
        return response.text().then(function (text) {
          show([element("h3", T.turtle), element("pre", text, { "class": "turtle" })]);
        });
      }
      return response.json().then(function (data) {
        showJson(data, query);
      });
    }).catch(function () {
      showError(T.network);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("a[data-query]"), function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      textarea.value = link.getAttribute("data-query");
      textarea.dispatchEvent(new Event("input")); /* the CodeMirror editor, where it is installed, follows */
      textarea.focus();
    });
  });

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.name === "format") {
      return; /* the CSV button downloads through the plain form */
    }
    event.preventDefault();
    run(textarea.value);
  });

  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run(textarea.value);
    }
  });
})();
