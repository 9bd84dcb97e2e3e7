"""Where a record comes from: the source files (the minutes, official
data), which are changed in the files, or a submission, which the write
interfaces may change."""

from koopgraph.engine.interface import Engine
from koopgraph.engine.rdf import NamedNode
from koopgraph.namespaces import FILE_GRAPHS


def is_file_backed(store: Engine, iri: str) -> bool:
    """Does anything about iri come from the source files?"""
    return any(isinstance(q.graph_name, NamedNode) and q.graph_name.value.startswith(FILE_GRAPHS)
               for q in store.quads_for_pattern(NamedNode(iri), None, None, None))
