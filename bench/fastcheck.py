"""Prototypes of a faster koopgraph.validation.check_change, for measuring only.

check_change builds a small rdflib view (the changed nodes plus one step of context)
and hands it to pyshacl.validate. Per call, pySHACL then
  1. rebuilds its ShapesGraph (harvests ~40 node shapes and their property shapes),
  2. validates *every* targeted node of the view – the record, but also the regions,
     organisations and vocabulary terms copied in as context, whose results are thrown
     away afterwards,
  3. builds a report graph for those thrown-away results too,
and koopgraph recompiles the message-template regexes for every report.

``check()`` runs check_change itself with only its call of validation.validate() swapped,
so the view and the filtering of results stay exactly the same; the engines change only
what is cached or skipped:

* ``PyshaclEngine(shapes, cached=True)``  – one pySHACL ShapesGraph, built once;
* ``PyshaclEngine(shapes, cached=True, restrict=True)`` – plus validating only the
  changed nodes, each against the shapes that target it (context nodes are still
  *read*); not with pySHACL's ``focus_nodes`` option, which drops sh:node/sh:or results;
* ``TurboEngine(shapes, restrict=...)`` – pyshacl-turbo's compiled shapes, if installed.

Single-threaded benchmark use only: check() swaps a module attribute for the call.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from koopgraph.domain import validation
from koopgraph.domain.validation import Change, Report, Result


@lru_cache(maxsize=8)
def templates(shapes: Graph) -> list[tuple[re.Pattern, str]]:
    """validation._template_languages, compiled once per shapes graph."""
    return validation._template_languages(shapes)


def results(report: Graph, shapes: Graph) -> list[Result]:
    """validation._results with the message templates compiled once."""
    tpl = templates(shapes)
    out = []
    for node in report.objects(None, SH.result):
        messages: dict[str, str] = {}
        for message in report.objects(node, SH.resultMessage):
            messages.setdefault(validation._language(message, tpl), str(message))
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        shape = report.value(node, SH.sourceShape)
        out.append(Result(
            focus_node=str(report.value(node, SH.focusNode)),
            path=str(path) if isinstance(path, URIRef) else None,
            value=None if value is None else str(value),
            severity=validation._local(report.value(node, SH.resultSeverity)),
            messages=messages,
            source_shape=validation._named_shape(shapes, shape),
            component=validation._local(report.value(node, SH.sourceConstraintComponent)),
            node=node,
        ))
    return sorted(out, key=lambda r: (r.focus_node, r.path or "", r.component, r.value or ""))


def _restricted(focus: set) -> list[str] | None:
    # pySHACL's focus_nodes only take IRIs; a blank-node record falls back to checking all.
    return [str(f) for f in focus] if focus and all(isinstance(f, URIRef) for f in focus) else None


class PyshaclEngine:
    """pySHACL with its ShapesGraph built once (per thread) instead of per call."""

    def __init__(self, shapes: Graph, cached: bool = True, restrict: bool = False) -> None:
        import pyshacl
        from pyshacl.monkey import apply_patches
        from pyshacl.validator import assign_baked_in

        apply_patches()
        assign_baked_in()
        self.shapes, self.cached, self.restrict = shapes, cached, restrict
        self.name = "pyshacl" + (", cached shapes" if cached else "") + (", focus only" if restrict else "")
        self._local = threading.local()
        self._pyshacl = pyshacl

    def _shapes_graph(self):
        from pyshacl.shapes_graph import ShapesGraph

        sg = getattr(self._local, "sg", None)
        if sg is None:
            sg = self._local.sg = ShapesGraph(self.shapes)
            sg.shapes  # harvest the shapes now, once
        return sg

    def run(self, view: Graph, focus: set) -> Graph:
        if not self.cached:
            _, report, _ = self._pyshacl.validate(view, shacl_graph=self.shapes, inference="none",
                                                  abort_on_first=False, allow_warnings=False)
            return report
        from pyshacl.graph_abstraction import DataGraph
        from pyshacl.validator import Validator

        options = {"inference": "none", "abort_on_first": False, "allow_warnings": False, "inplace": True}
        # An empty shapes graph keeps the constructor cheap; the cached one replaces it.
        validator = Validator(DataGraph.from_rdflib(view), shacl_graph=Graph(), options=options)
        validator.shacl_graph = sg = self._shapes_graph()
        if not self.restrict:
            _, report, _ = validator.run()
            return report
        # Only the changed nodes, each against the shapes that target it. NOT pySHACL's
        # focus_nodes option: that filter also applies to the value nodes that sh:node,
        # sh:or, sh:and, sh:xone, sh:not and sh:qualifiedValueShape validate, so their
        # violations silently disappear (pySHACL 0.40.1).
        graph = validator.data_graph
        executor = validator.make_executor()
        reports, conforms = [], True
        for shape in sg.shapes:
            chosen = [n for n in shape.focus_nodes(graph) if n in focus]
            if chosen:
                ok, found = shape.validate(executor, graph, focus=chosen)
                conforms = conforms and ok
                reports.extend(found)
        report, _ = Validator.create_validation_report(sg, conforms, reports)
        return report


class TurboEngine:
    """pyshacl-turbo (Rust) with the shapes compiled once."""

    def __init__(self, shapes: Graph, restrict: bool = False) -> None:
        import pyshacl_turbo

        self.program = pyshacl_turbo.compile_shapes(shapes)
        self.restrict = restrict
        self.name = "pyshacl-turbo, compiled shapes" + (", focus only" if restrict else "")

    def run(self, view: Graph, focus: set) -> Graph:
        focus_nodes = _restricted(focus) if self.restrict else None
        _, report, _ = self.program.validate(view, focus_nodes=focus_nodes)
        return report


def check(store: ox.Store, change: Change, engine, shapes: Graph) -> Report:
    """koopgraph.validation.check_change itself – same view, same filtering of
    results – with only its call of validation.validate() swapped for the engine."""
    focus = {validation._term(n) for n in validation.focus_of(store, change)}

    def engine_validate(data: Graph, context: Graph | None = None, shapes: Graph | None = shapes, focus=None) -> Report:
        report = engine.run(data if context is None else data + context, focus)
        found = tuple(results(report, shapes))
        return Report(conforms=not found, results=found, graph=report)

    original = validation.validate
    validation.validate = engine_validate
    try:
        return validation.check_change(store, change, shapes)
    finally:
        validation.validate = original


def result_key(report: Report) -> set[tuple]:
    """What must agree between engines: (focus node, path, constraint component, shape)."""
    return {(r.focus_node, r.path, r.component, r.source_shape) for r in report.results}

