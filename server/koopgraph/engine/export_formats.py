"""The dump formats shared by `koopgraph export` and /dump: the file
extension is the format's name."""

import pyoxigraph as ox

EXPORT_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
                  "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS}
