"""The one interface to an RDF engine (interface.Engine), embedded
(embedded.py) or remote (remote.py), and everything that reads SPARQL or
RDF text before an engine sees it.

    from koopgraph import engine
    store = engine.open_store(path)          # or engine.open_remote(config)
    rows = engine.query(store, "SELECT …")   # the union default graph, bound parameters
"""

from koopgraph.engine.embedded import EmbeddedEngine, open_read_only, open_store, restore, scratch
from koopgraph.engine.interface import (Delta, Engine, InvalidIriError, QueryNotSupportedError, QuerySyntaxError,
                                        StoreBusyError, StoreOpenError)
from koopgraph.engine.rdf_input import SourceError
from koopgraph.engine.reading import (class_counts, export, graph_counts, graph_size, is_empty, query, result_kind,
                                      size, triple_count)
from koopgraph.engine.remote import RemoteEngine, open_remote

__all__ = ["Delta", "EmbeddedEngine", "Engine", "InvalidIriError", "QueryNotSupportedError", "QuerySyntaxError",
           "RemoteEngine", "SourceError", "StoreBusyError", "StoreOpenError", "class_counts", "export", "graph_counts", "graph_size",
           "is_empty", "open_read_only", "open_remote", "open_store", "query", "restore", "result_kind", "scratch",
           "size", "triple_count"]
