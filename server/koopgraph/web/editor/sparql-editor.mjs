/* Koopgraph's SPARQL editor: CodeMirror 6 with its SPARQL mode, bundled by
 * esbuild into static/vendor/sparql-editor.js when the package is built
 * (hatch_build.py runs `npm ci` and `npm run build` where node is present).
 * Without the bundle the page keeps its plain textarea (static/editor.js).
 *
 * The textarea stays the form's field: every change is written back to it,
 * and editor.js tells it about examples with an "input" event, so the form,
 * the CSV button and the in-page results work as before. No inline script,
 * no eval: the strict Content-Security-Policy holds. The editor lives in a
 * shadow root because CodeMirror styles a document with <style> elements,
 * which that policy blocks, and a shadow root with constructed style sheets,
 * which it allows.
 */
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching } from "@codemirror/language";
import { autocompletion, completionKeymap, closeBrackets } from "@codemirror/autocomplete";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";

const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "PREFIX", "ORDER BY",
  "GROUP BY", "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE", "VALUES", "BIND", "COUNT", "GROUP_CONCAT", "LANG",
  "STRSTARTS", "CONTAINS", "LCASE", "COALESCE", "EXISTS", "NOT EXISTS", "SERVICE"];

function prefixCompletions(prefixes) {
  return (context) => {
    const word = context.matchBefore(/[A-Za-z_][\w-]*:?[\w-]*/);
    if (!word || (word.from === word.to && !context.explicit)) {
      return null;
    }
    const options = Object.keys(prefixes).map((p) => ({ label: p + ":", type: "namespace", detail: prefixes[p] }));
    KEYWORDS.forEach((k) => options.push({ label: k, type: "keyword" }));
    return { from: word.from, options: options, validFor: /^[\w-]*:?$/ };
  };
}

function enhance() {
  const form = document.getElementById("sparql-form");
  const textarea = form && form.querySelector("textarea[name=query]");
  if (!textarea || textarea.dataset.editor === "codemirror") {
    return;
  }
  let prefixes = {};
  try {
    prefixes = JSON.parse(textarea.getAttribute("data-prefixes") || "{}");
  } catch (error) {
    prefixes = {};
  }
  const label = document.querySelector("label[for=" + textarea.id + "]");
  const hint = document.getElementById("editor-hinweis");
  let writing = false;
  const host = document.createElement("div");
  host.className = "sparql-editor";
  textarea.parentNode.insertBefore(host, textarea.nextSibling);
  const shadow = host.attachShadow({ mode: "open" });
  const view = new EditorView({
    root: shadow,
    parent: shadow,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(), history(), drawSelection(), highlightActiveLine(), bracketMatching(), closeBrackets(),
        StreamLanguage.define(sparql), syntaxHighlighting(defaultHighlightStyle),
        autocompletion({ override: [prefixCompletions(prefixes)] }),
        keymap.of([{ key: "Mod-Enter", run: () => { form.requestSubmit(); return true; } },
          ...completionKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.lineWrapping,
        EditorView.theme({
          "&": { border: "1px solid #c8c8cc", borderRadius: "4px", minHeight: "14em", fontSize: "0.9rem", background: "#fff" },
          "&.cm-focused": { outline: "3px solid #e69f00", outlineOffset: "2px" },
          ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", minHeight: "14em" },
          ".cm-gutters": { background: "#f3f5f8", color: "#555", border: "none" }
        }),
        EditorView.contentAttributes.of({ "aria-label": label ? label.textContent : "SPARQL",
          "aria-describedby": hint ? hint.id : "", "aria-multiline": "true" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !writing) {
            textarea.value = update.state.doc.toString();
          }
        })
      ]
    })
  });
  textarea.dataset.editor = "codemirror";
  textarea.hidden = true;
  if (label) {
    label.addEventListener("click", () => view.focus());
  }
  textarea.addEventListener("input", () => {
    writing = true;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: textarea.value } });
    writing = false;
    view.focus();
  });
  window.koopgraphEditor = view;
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", enhance);
} else {
  enhance();
}
