"""The derived graph (domain/derived.py): every place's Kreis and Land and
every concept's broader concepts, kept by the write gate in the same
transaction as each write, protected from direct writes."""

import pyoxigraph as ox
import pytest

from koopgraph.domain import derived
from koopgraph.namespaces import DERIVED_GRAPH
from writeapp import ADMIN, auth, make_app

R = "https://w3id.org/koopgraph/id/region/"
KOOP = "https://w3id.org/koopgraph/ontology#"
G = ox.NamedNode(DERIVED_GRAPH)


@pytest.fixture(scope="module")
def app():
    return make_app()


def _has(store, s: str, p: str, o: str) -> bool:
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(KOOP + p), ox.NamedNode(o), G) in store


def test_places_named_in_the_minutes_roll_up_to_their_kreis_and_land(app):
    store = app.extensions["koopgraph.store"]
    # Mettenhof is a Stadtteil of Kiel (data/opendata/regionen.ttl), Norderstedt a town in Segeberg
    assert _has(store, R + "01002000-mettenhof", "imKreis", R + "01002")
    assert _has(store, R + "01002000-mettenhof", "imLand", R + "01")
    assert _has(store, R + "01060063", "imKreis", R + "01060")
    assert _has(store, R + "01060", "imKreis", R + "01060") and _has(store, R + "01", "imLand", R + "01")
    assert not any(store.quads_for_pattern(ox.NamedNode(R + "01"), ox.NamedNode(KOOP + "imKreis"), None, G))


def test_every_kreis_and_kreisfreie_stadt_of_schleswig_holstein_is_its_own_kreis(app):
    store = app.extensions["koopgraph.store"]
    selves = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(KOOP + "imKreis"), None, G)
              if q.subject == q.object}
    assert len(selves) == 15 and all(s.startswith(R + "010") for s in selves)


def test_a_round_table_falls_under_body_and_itself(app):
    store = app.extensions["koopgraph.store"]
    form = "https://w3id.org/koopgraph/id/kooperationsform/"
    assert _has(store, form + "runder-tisch", "faelltUnter", form + "gremium")
    assert _has(store, form + "runder-tisch", "faelltUnter", form + "runder-tisch")


def test_the_derived_graph_equals_the_pure_function_of_the_data(app):
    store = app.extensions["koopgraph.store"]
    assert derived.current(store) == derived.derive(derived.read_inputs(store))


def test_a_new_municipality_gets_its_kreis_in_the_same_write_and_loses_it_when_deleted():
    app = make_app()
    web, store = app.test_client(), app.extensions["koopgraph.store"]
    town = R + "01060999"
    body = (f"@prefix koop: <{KOOP}> . <{town}> a koop:Gemeinde ; <http://www.w3.org/2000/01/rdf-schema#label> "
            f"\"Neustadt\"@de ; koop:ags \"01060999\" ; koop:liegtIn <{R}01060> ; "
            f"<http://purl.org/dc/terms/source> \"Test\"@de .").encode()
    created = web.post("/store?graph=https://w3id.org/koopgraph/id/graph/test-gemeinde", data=body,
                       headers=auth(ADMIN))
    assert created.status_code in (201, 204), created.get_data(as_text=True)
    assert _has(store, town, "imKreis", R + "01060") and _has(store, town, "imLand", R + "01")
    gone = web.delete("/store?graph=https://w3id.org/koopgraph/id/graph/test-gemeinde", headers=auth(ADMIN, None))
    assert gone.status_code in (200, 204)
    assert not any(store.quads_for_pattern(ox.NamedNode(town), None, None, G))


def test_nobody_writes_the_derived_graph_directly(app):
    web = app.test_client()
    response = web.post(f"/store?graph={DERIVED_GRAPH}", headers=auth(ADMIN),
                        data=f"<{R}01060063> <{KOOP}imKreis> <{R}01062> .".encode())
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "protected-graph"
