#!/usr/bin/env python3
"""Generate a large, realistic Koopgraph graph as N-Quads, sized by a triple count.

    python bench/generate.py --triples 100000 --out /tmp/kg-100k.nq [--seed 1] [--check]

Content (all IRIs in Koopgraph's scheme, every record meant to conform to shapes/):

* regions in …/graph/opendata: the Länder, the ~400 Kreise and kreisfreie Städte and
  the ~10,700 Gemeinden of Germany from ../shared/opendata/municipalities-de.csv (synthetic
  keys when that file is missing), modelled exactly like data/opendata/regionen.ttl; a
  region that regionen.ttl already describes is copied from there verbatim, so loading both
  files never gives one IRI two different values;
* records in …/graph/bench: per Kreis a Jobcenter and 3–6 other organisations, 1–4
  cooperations, 1–4 measures and sometimes an additional benefit, all with `bench-` slugs
  so they never clash with data/seed;
* yearly statistics in …/graph/statistik as RDF Data Cube: one qb:DataSet per year
  (…/datensatz/bench-<year>) and per Gemeinde two observations (Einwohner, Fläche).

Size: Kreise are taken in key order (Schleswig-Holstein first) while their regions, records
and one year of statistics fit (of the first Kreis that does not fit whole, as many
Gemeinden as fit); the rest of the budget is filled with further years of statistics
(2019, 2018, …, the last one partial). From about 250,000 triples on, all of
Germany is in. The output is streamed, so 5 million triples need little memory, and it is
deterministic for a given (--triples, --seed, CSV). A Kreis's records depend only on the
seed and its key, so a smaller graph's records are a subset of a larger one's.

--check validates a sample (1 % of each kind of record and of the observations, at least
one of each kind) with koopgraph.validation.check_change against the shapes, with the
project's ontology and vocabularies as context.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CSV = REPO.parent / "shared" / "opendata" / "municipalities-de.csv"
REGIONEN_TTL = REPO / "data" / "opendata" / "regionen.ttl"
QUELLEN_TTL = REPO / "data" / "opendata" / "quellen.ttl"

ID = "https://w3id.org/koopgraph/id/"
KOOP = "https://w3id.org/koopgraph/ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SKOS_ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
PROV_DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
DCT_SOURCE = "<http://purl.org/dc/terms/source>"
DCT_DESCRIPTION = "<http://purl.org/dc/terms/description>"
XSD = "http://www.w3.org/2001/XMLSchema#"
QB = "http://purl.org/linked-data/cube#"
SDMX_DIM = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_ATT = "http://purl.org/linked-data/sdmx/2009/attribute#"
UNIT = "http://qudt.org/vocab/unit/"

G_OPENDATA = f"<{ID}graph/opendata>"
G_BENCH = f"<{ID}graph/bench>"
G_STATISTIK = f"<{ID}graph/statistik>"

Q_DESTATIS = f"<{ID}quelle/destatis-gemeindeverzeichnis>"
Q_BENCH = f"<{ID}quelle/bench-synthetische-eintraege>"

LATEST_YEAR = 2019  # population in the Destatis extract is as of 31.12.2019
EARLIEST_YEAR = 1900
OBS_TRIPLES = 7  # per observation
UNIT_TRIPLES = 2 * OBS_TRIPLES  # per region and year (Einwohner + Fläche)

LAENDER = {
    "01": "Schleswig-Holstein", "02": "Hamburg", "03": "Niedersachsen", "04": "Bremen",
    "05": "Nordrhein-Westfalen", "06": "Hessen", "07": "Rheinland-Pfalz", "08": "Baden-Württemberg",
    "09": "Bayern", "10": "Saarland", "11": "Berlin", "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern", "14": "Sachsen", "15": "Sachsen-Anhalt", "16": "Thüringen",
}


def k(name: str) -> str:
    return f"<{KOOP}{name}>"


def idiri(path: str) -> str:
    return f"<{ID}{path}>"


def region_iri(key: str) -> str:
    return f"<{ID}region/{key}>"


def concept(scheme: str, key: str) -> str:
    return f"<{ID}{scheme}/{key}>"


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\r", "\\r"))
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{XSD}{datatype}>'
    return f'"{escaped}"'


def quad(s: str, p: str, o: str, g: str) -> str:
    return f"{s} {p} {o} {g} .\n"


# ---------------------------------------------------------------- regions


@dataclass
class Unit:
    """A region that gets statistics: a Gemeinde or a kreisfreie Stadt."""

    iri: str
    ags: str
    population: int
    area: str  # decimal text, km²
    growth: float = 0.0


@dataclass
class Gemeinde:
    ags: str
    ars: str
    name: str
    area: str
    population: int


@dataclass
class Kreis:
    key: str
    name: str  # the official (Destatis) name, e.g. "Flensburg, Stadt"
    kind: str  # "Kreis" or "KreisfreieStadt"
    type_label: str  # "Kreis", "Landkreis", "Kreisfreie Stadt", ...
    land: str
    gemeinden: list[Gemeinde] = field(default_factory=list)
    own: Gemeinde | None = None  # a kreisfreie Stadt's own Gemeinde row

    @property
    def iri(self) -> str:
        return region_iri(self.key)

    @property
    def short(self) -> str:
        return short_name(self.name)


def short_name(name: str) -> str:
    """"Kiel, Landeshauptstadt" -> "Kiel" (the form data/opendata uses as rdfs:label)."""
    return name.split(", ")[0].strip()


def load_csv(path: Path) -> tuple[dict[str, str], list[Kreis]]:
    lands: dict[str, str] = {}
    kreise: dict[str, Kreis] = {}
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            # Gemeindefreie Gebiete (forests, lakes, coastal waters) have an AGS but are
            # not Gemeinden; two of them belong to no Kreis at all.
            if row["gemeinde_type"].startswith("Gemeindefrei") or not row["kreis_type"]:
                continue
            rows.append(row)
    for row in rows:
        lands[row["land_code"]] = row["land_name"]
        key = row["kreis_ags"]
        if key not in kreise:
            kreisfrei = row["kreis_type"] in ("Kreisfreie Stadt", "Stadtkreis")
            kreise[key] = Kreis(key, row["kreis_name"], "KreisfreieStadt" if kreisfrei else "Kreis",
                                row["kreis_type"], row["land_code"])
        g = Gemeinde(row["ags"], row["ars"], row["name"], row["area_km2"], int(row["population"]))
        kreis = kreise[key]
        if kreis.kind == "KreisfreieStadt" and g.ags == key + "000":
            kreis.own = g
        else:
            kreis.gemeinden.append(g)
    for kreis in kreise.values():
        if kreis.kind == "KreisfreieStadt" and (kreis.own is None or kreis.gemeinden):
            kreis.kind, kreis.type_label = "Kreis", "Kreis"  # not a one-town Kreis after all
            if kreis.own is not None:
                kreis.gemeinden.insert(0, kreis.own)
                kreis.own = None
        kreis.gemeinden.sort(key=lambda g: g.ags)
    return lands, [kreise[key] for key in sorted(kreise)]


SYNTH_SYLLABLES = ["Alt", "Bergen", "Hagen", "Feld", "Wolde", "Horst", "Stedt", "Dorf", "Au", "Moor",
                   "Brook", "Holm", "Wik", "Rade", "Born", "Heide", "Lohe", "Hude", "Marsch", "See"]


def synthetic(seed: int) -> tuple[dict[str, str], list[Kreis]]:
    """Germany-sized, made-up: 16 Länder, ~400 Kreise, ~10,800 Gemeinden. Keys follow the
    real scheme; Land 01 uses Schleswig-Holstein's real Kreis keys (01001–01004
    kreisfreie Städte, 01051–01062 Kreise) so regions from data/opendata fit in."""
    rng = random.Random(f"{seed}:synthetic")
    kreise = []
    for land in LAENDER:
        n_kfs, n_kreise = (4, 11) if land == "01" else (rng.randint(1, 6), rng.randint(10, 35))
        keys = [f"{land}{i:03d}" for i in range(1, n_kfs + 1)]
        keys += [f"{land}{i:03d}" for i in range(51, 51 + n_kreise)]
        for key in keys:
            name = rng.choice(SYNTH_SYLLABLES) + rng.choice(SYNTH_SYLLABLES).lower()
            if int(key[2:]) < 51:
                own = Gemeinde(key + "000", key + "0000000", f"{name}, Stadt",
                               f"{rng.uniform(40, 400):.2f}", int(rng.lognormvariate(11.5, 0.6)))
                kreise.append(Kreis(key, f"{name}, Stadt", "KreisfreieStadt", "Kreisfreie Stadt", land, [], own))
            else:
                kreis = Kreis(key, name, "Kreis", "Landkreis", land)
                for j in range(1, rng.randint(8, 50) + 1):
                    gname = rng.choice(SYNTH_SYLLABLES) + rng.choice(SYNTH_SYLLABLES).lower()
                    verband = rng.randint(1, 9)
                    kreis.gemeinden.append(Gemeinde(f"{key}{j:03d}", f"{key}{verband:04d}{j:03d}", gname,
                                                    f"{rng.uniform(3, 120):.2f}", int(rng.lognormvariate(7.8, 1.1))))
                kreise.append(kreis)
    return dict(LAENDER), kreise


class OpendataCopy:
    """Subjects data/opendata/regionen.ttl already describes: their triples, verbatim."""

    def __init__(self, path: Path) -> None:
        self.lines: dict[str, list[str]] = {}
        self.extra: list[str] = []
        if not path.is_file():
            return
        import pyoxigraph as ox

        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            self.lines.setdefault(str(q.subject), []).append(
                quad(str(q.subject), str(q.predicate), str(q.object), G_OPENDATA))

    def get(self, iri: str) -> list[str] | None:
        return self.lines.get(iri)


def source_lines(real: bool) -> list[str]:
    """The sources the generated triples name, so the file stands on its own."""
    out = [
        quad(Q_BENCH, RDF_TYPE, "<http://www.w3.org/ns/prov#Entity>", G_BENCH),
        quad(Q_BENCH, RDFS_LABEL, lit("Synthetische Einträge des Koopgraph-Benchmarks (bench/generate.py)", "de"), G_BENCH),
        quad(Q_BENCH, DCT_DESCRIPTION, lit(
            "Erfundene Organisationen, Kooperationen, Maßnahmen, Zusatzleistungen und fortgeschriebene "
            "Statistiken zum Messen der Leistung; keine Aussagen über die Wirklichkeit.", "de"), G_BENCH),
    ]
    if real and QUELLEN_TTL.is_file():
        import pyoxigraph as ox

        out += [quad(str(q.subject), str(q.predicate), str(q.object), G_OPENDATA)
                for q in ox.parse(path=str(QUELLEN_TTL), format=ox.RdfFormat.TURTLE)]
    return out


def land_lines(code: str, name: str, copy: OpendataCopy, real: bool) -> list[str]:
    iri = region_iri(code)
    copied = copy.get(iri)
    if copied:
        return copied
    src = Q_DESTATIS if real else Q_BENCH
    return [
        quad(iri, RDF_TYPE, k("Land"), G_OPENDATA),
        quad(iri, RDFS_LABEL, lit(name, "de"), G_OPENDATA),
        quad(iri, k("landesschluessel"), lit(code), G_OPENDATA),
        quad(iri, PROV_DERIVED, src, G_OPENDATA),
    ]


def kreis_region_lines(kreis: Kreis, copy: OpendataCopy, real: bool) -> list[str]:
    src = Q_DESTATIS if real else Q_BENCH
    out = copy.get(kreis.iri)
    if out is None:
        iri = kreis.iri
        out = [quad(iri, RDF_TYPE, k(kreis.kind), G_OPENDATA),
               quad(iri, RDFS_LABEL, lit(kreis.short, "de"), G_OPENDATA)]
        if kreis.kind == "KreisfreieStadt":
            if kreis.short != kreis.name:
                out.append(quad(iri, SKOS_ALT, lit(kreis.name, "de"), G_OPENDATA))
        elif not kreis.name.startswith(kreis.type_label):
            out.append(quad(iri, SKOS_ALT, lit(f"{kreis.type_label} {kreis.name}", "de"), G_OPENDATA))
        out.append(quad(iri, k("kreisschluessel"), lit(kreis.key), G_OPENDATA))
        if kreis.kind == "KreisfreieStadt":
            out.append(quad(iri, k("ags"), lit(kreis.own.ags), G_OPENDATA))
            out.append(quad(iri, k("regionalschluessel"), lit(kreis.own.ars), G_OPENDATA))
        else:
            out.append(quad(iri, k("regionalschluessel"), lit(kreis.key + "0000000"), G_OPENDATA))
        out.append(quad(iri, k("liegtIn"), region_iri(kreis.land), G_OPENDATA))
        out.append(quad(iri, PROV_DERIVED, src, G_OPENDATA))
    out = list(out)
    for g in kreis.gemeinden:
        iri = region_iri(g.ags)
        copied = copy.get(iri)
        if copied:
            out += copied
            continue
        short = short_name(g.name)
        out.append(quad(iri, RDF_TYPE, k("Gemeinde"), G_OPENDATA))
        out.append(quad(iri, RDFS_LABEL, lit(short, "de"), G_OPENDATA))
        if short != g.name:
            out.append(quad(iri, SKOS_ALT, lit(g.name, "de"), G_OPENDATA))
        out.append(quad(iri, k("ags"), lit(g.ags), G_OPENDATA))
        out.append(quad(iri, k("regionalschluessel"), lit(g.ars), G_OPENDATA))
        out.append(quad(iri, k("liegtIn"), kreis.iri, G_OPENDATA))
        out.append(quad(iri, PROV_DERIVED, src, G_OPENDATA))
    return out


def units_of(kreis: Kreis) -> list[Unit]:
    if kreis.kind == "KreisfreieStadt":
        return [Unit(kreis.iri, kreis.own.ags, kreis.own.population, kreis.own.area)]
    return [Unit(region_iri(g.ags), g.ags, g.population, g.area) for g in kreis.gemeinden]


# ---------------------------------------------------------------- records

ORG_KINDS = [  # (organisationsart, label pattern, placed in a town rather than the Kreis)
    ("mbe", "Migrationsberatung für erwachsene Zuwanderer (MBE) {kreis}", False),
    ("msb", "Migrationssozialberatung {kreis}", False),
    ("jmd", "Jugendmigrationsdienst {kreis}", False),
    ("frauenhaus", "Frauenhaus {town}", True),
    ("bildungstraeger", "Bildungswerk {kreis}", False),
    ("volkshochschule", "Volkshochschule {town}", True),
    ("integrationskurstraeger", "Sprachschule {town}", True),
    ("auslaenderbehoerde", "Ausländerbehörde {kreis}", False),
    ("wohlfahrtsverband", "Diakonisches Werk {kreis}", False),
    ("migrationsfachdienst", "Migrationsfachdienste {kreis}", False),
]
FORMS = ["kooperation-allgemein", "formale-kooperation", "kooperationsvereinbarung", "gremium", "arbeitskreis",
         "runder-tisch", "stadtteilkonferenz", "migrationsrunde", "kooperationsprojekt", "einzelfallkooperation",
         "arbeitstreffen", "vernetzung", "hinzuziehung"]
FORM_LABELS = {
    "kooperation-allgemein": "Zusammenarbeit", "formale-kooperation": "Formale Kooperationsstruktur",
    "kooperationsvereinbarung": "Kooperationsvereinbarung", "gremium": "Gremium", "arbeitskreis": "Arbeitskreis Migration",
    "runder-tisch": "Runder Tisch Integration", "stadtteilkonferenz": "Stadtteilkonferenz",
    "migrationsrunde": "Trägerrunde Migration", "kooperationsprojekt": "Kooperationsprojekt",
    "einzelfallkooperation": "Zusammenarbeit im Einzelfall", "arbeitstreffen": "Arbeitstreffen",
    "vernetzung": "Vernetzung", "hinzuziehung": "Hinzuziehung der Migrationsberatung",
}
KSTATUS = (["besteht", "in-vorbereitung", "geplant", "angestrebt", "keine", "abgelehnt", "keine-angaben"],
           [50, 10, 10, 10, 10, 3, 7])
ASTATUS = (["vorhanden", "geplant", "angestrebt", "fehlt", "gefordert"], [55, 10, 10, 15, 10])
FREQ = ["regelmaessig", "vierteljaehrlich", "jaehrlich", "unregelmaessig", "bei-bedarf"]
EBENE = ["kreisebene", "stadtteil", "obere-ebene"]
MART = ["sprachkurs", "integrationskurs", "orientierungskurs", "berufsbezogener-sprachkurs", "alphabetisierungskurs",
        "anschlussqualifikation", "berufsorientierung", "arbeitsgelegenheit-mit-sprachmodul", "qualifizierung",
        "nachqualifikation", "praktikum", "sprachpatenschaft", "coaching", "vermittlungsunterstuetzung"]
MART_LABELS = {
    "sprachkurs": "Sprachkurs", "integrationskurs": "Integrationskurs", "orientierungskurs": "Orientierungskurs",
    "berufsbezogener-sprachkurs": "Berufsbezogener Sprachkurs", "alphabetisierungskurs": "Alphabetisierungskurs",
    "anschlussqualifikation": "Anschlussqualifikation", "berufsorientierung": "Berufsorientierung",
    "arbeitsgelegenheit-mit-sprachmodul": "Arbeitsgelegenheit mit Sprachmodul", "qualifizierung": "Qualifizierung",
    "nachqualifikation": "Nachqualifikation", "praktikum": "Praktikum", "sprachpatenschaft": "Sprachpatenschaften",
    "coaching": "Coaching", "vermittlungsunterstuetzung": "Unterstützung bei der Vermittlung",
}
ZIELGRUPPE = ["migrantinnen-und-migranten", "frauen", "alleinerziehende", "jugendliche", "unter-25", "akademiker",
              "ungesicherter-aufenthalt", "sgb-ii", "ueber-25"]
FOERDERER = ["bamf", "arge", "optionskommune", "esf", "kommune", "bundesagentur", "massnahmetraeger"]
LEISTUNG = ["fahrtkosten", "fahrtkostenzuschuss", "kinderbetreuung", "anerkennungskosten", "berufsspezifischer-sprachkurs"]
LEISTUNG_LABELS = {"fahrtkosten": "Übernahme der Fahrtkosten", "fahrtkostenzuschuss": "Fahrtkostenzuschuss",
                   "kinderbetreuung": "Kinderbetreuung", "anerkennungskosten": "Kosten der Anerkennung",
                   "berufsspezifischer-sprachkurs": "Berufsspezifischer Sprachkurs"}
ZIELE = ["Zuständigkeiten klären", "Übergänge aus dem Integrationskurs verbessern", "Doppelberatung vermeiden",
         "Fallbesprechungen mit Einwilligung ermöglichen", "Angebote im Kreis abstimmen",
         "Anerkennung ausländischer Abschlüsse beschleunigen"]


def record_lines(kreis: Kreis, seed: int) -> tuple[list[str], dict[str, int]]:
    """Organisations, cooperations, measures and benefits of one Kreis (depends only on
    the seed and the Kreis key)."""
    r = random.Random(f"{seed}:records:{kreis.key}")
    out: list[str] = []
    kinds: dict[str, int] = {}
    towns = kreis.gemeinden or []
    src = Q_BENCH

    def add(s, p, o):
        out.append(quad(s, p, o, G_BENCH))

    def place() -> tuple[str, str]:
        if towns and r.random() < 0.5:
            g = r.choice(towns)
            return region_iri(g.ags), short_name(g.name)
        return kreis.iri, kreis.short

    # organisations
    orgs: list[tuple[str, str]] = []  # (iri, kind)
    jc = idiri(f"organisation/bench-{kreis.key}-jobcenter")
    add(jc, RDF_TYPE, k("Organisation"))
    add(jc, RDFS_LABEL, lit(f"Jobcenter {kreis.short}", "de"))
    add(jc, k("organisationsart"), concept("organisationsart", "jobcenter"))
    add(jc, k("traegerform"), concept("traegerform", "zkt" if r.random() < 0.25 else "ge"))
    add(jc, k("region"), kreis.iri)
    add(jc, DCT_SOURCE, src)
    orgs.append((jc, "jobcenter"))
    for kind, pattern, in_town in sorted(r.sample(ORG_KINDS, r.randint(3, 6))):
        iri = idiri(f"organisation/bench-{kreis.key}-{kind}")
        region, town = place() if in_town else (kreis.iri, kreis.short)
        add(iri, RDF_TYPE, k("Organisation"))
        add(iri, RDFS_LABEL, lit(pattern.format(kreis=kreis.short, town=town), "de"))
        add(iri, k("organisationsart"), concept("organisationsart", kind))
        add(iri, k("region"), region)
        if kind == "migrationsfachdienst":
            add(iri, k("sammelakteur"), lit("true", datatype="boolean"))
        add(iri, DCT_SOURCE, src)
        orgs.append((iri, kind))
    kinds["Organisation"] = len(orgs)

    # cooperations
    koops = []
    for i in range(1, r.randint(1, 4) + 1):
        iri = idiri(f"kooperation/bench-{kreis.key}-{i}")
        form = r.choice(FORMS)
        region, town = place()
        members = r.sample(orgs, min(len(orgs), r.randint(2, 4)))
        add(iri, RDF_TYPE, k("Kooperation"))
        add(iri, RDFS_LABEL, lit(f"{FORM_LABELS[form]} ({town})", "de"))
        add(iri, k("region"), region)
        add(iri, k("kooperationsform"), concept("kooperationsform", form))
        add(iri, k("status"), concept("kooperationsstatus", r.choices(*KSTATUS)[0]))
        for m, _ in members:
            add(iri, k("beteiligt"), m)
        if r.random() < 0.5:
            add(iri, k("haeufigkeit"), concept("haeufigkeit", r.choice(FREQ)))
        if r.random() < 0.3:
            add(iri, k("ebene"), concept("ebene", r.choice(EBENE)))
        if r.random() < 0.3:
            add(iri, k("initiator"), members[0][0])
        for ziel in r.sample(ZIELE, r.choice([0, 0, 1, 2])):
            add(iri, k("ziel"), lit(ziel, "de"))
        if r.random() < 0.4:
            add(iri, k("seit"), lit(str(r.randint(2005, 2024)), datatype="gYear"))
        if r.random() < 0.2:
            add(iri, k("anzahlTreffen"), lit(str(r.randint(0, 24)), datatype="integer"))
        add(iri, DCT_SOURCE, src)
        koops.append(iri)
    kinds["Kooperation"] = len(koops)

    # measures
    providers = [o for o, kind in orgs if kind in ("bildungstraeger", "volkshochschule", "integrationskurstraeger")] or [jc]
    n_massnahmen = r.randint(1, 4)
    for i in range(1, n_massnahmen + 1):
        iri = idiri(f"massnahme/bench-{kreis.key}-{i}")
        arts = r.sample(MART, r.choice([1, 1, 2]))
        region, town = place()
        add(iri, RDF_TYPE, k("Massnahme"))
        add(iri, RDFS_LABEL, lit(f"{MART_LABELS[arts[0]]} ({town})", "de"))
        for art in arts:
            add(iri, k("massnahmenart"), concept("massnahmenart", art))
        add(iri, k("status"), concept("angebotsstatus", r.choices(*ASTATUS)[0]))
        add(iri, k("region"), region)
        add(iri, k("anbieter"), r.choice(providers))
        for zg in r.sample(ZIELGRUPPE, r.choice([0, 1, 1, 2])):
            add(iri, k("zielgruppe"), concept("zielgruppe", zg))
        for fd in r.sample(FOERDERER, r.choice([0, 1, 1, 2])):
            add(iri, k("foerderer"), concept("foerderer", fd))
        if r.random() < 0.3:
            add(iri, k("finanziertVon"), jc)
        if r.random() < 0.3:
            add(iri, k("migrantenspezifisch"), lit("true" if r.random() < 0.7 else "false", datatype="boolean"))
        if r.random() < 0.2:
            add(iri, k("anzahl"), lit(str(r.randint(1, 12)), datatype="integer"))
        if r.random() < 0.1:
            add(iri, k("weiterbildungsanteil"), lit(r.choice(["0.1", "0.2", "0.25", "0.5"]), datatype="decimal"))
        if koops and r.random() < 0.15:
            add(iri, k("imRahmenVon"), r.choice(koops))
        add(iri, DCT_SOURCE, src)
    kinds["Massnahme"] = n_massnahmen

    # additional benefits, now and then
    kinds["Zusatzleistung"] = 0
    if r.random() < 0.3:
        iri = idiri(f"zusatzleistung/bench-{kreis.key}-1")
        art = r.choice(LEISTUNG)
        add(iri, RDF_TYPE, k("Zusatzleistung"))
        add(iri, RDFS_LABEL, lit(f"{LEISTUNG_LABELS[art]} ({kreis.short})", "de"))
        add(iri, k("leistungsart"), concept("leistungsart", art))
        add(iri, k("status"), concept("angebotsstatus", r.choices(*ASTATUS)[0]))
        add(iri, k("region"), kreis.iri)
        add(iri, k("foerderer"), concept("foerderer", "optionskommune" if r.random() < 0.25 else "arge"))
        add(iri, k("finanziertVon"), jc)
        if r.random() < 0.5:
            add(iri, k("bezogenAuf"), concept("massnahmenart", "integrationskurs"))
        if r.random() < 0.3:
            add(iri, k("zielgruppe"), concept("zielgruppe", r.choice(ZIELGRUPPE)))
        add(iri, DCT_SOURCE, src)
        kinds["Zusatzleistung"] = 1
    return out, kinds


# ---------------------------------------------------------------- statistics


def dataset_lines(year: int, real: bool) -> list[str]:
    iri = idiri(f"datensatz/bench-{year}")
    out = [
        quad(iri, RDF_TYPE, f"<{QB}DataSet>", G_STATISTIK),
        quad(iri, RDFS_LABEL, lit(f"Gemeindestatistik {year} (Benchmark, fortgeschrieben)", "de"), G_STATISTIK),
        quad(iri, f"<{QB}structure>", k("gemeindestatistik"), G_STATISTIK),
        quad(iri, DCT_SOURCE, Q_BENCH, G_STATISTIK),
    ]
    if real:
        out.append(quad(iri, PROV_DERIVED, Q_DESTATIS, G_STATISTIK))
    return out


def observation_block(unit: Unit, year: int, dataset: str, population: int, area: str) -> str:
    date = f"{year}-12-31"
    g = G_STATISTIK
    lines = []
    for measure, value, unit_iri in (
        ("einwohner", lit(str(population), datatype="integer"), f"<{UNIT}NUM>"),
        ("flaeche", lit(area, datatype="decimal"), f"<{UNIT}KiloM2>"),
    ):
        o = f"<{ID}beobachtung/{unit.ags}/{date}/{measure}>"
        lines.append(
            f"{o} {RDF_TYPE} <{QB}Observation> {g} .\n"
            f"{o} <{QB}dataSet> {dataset} {g} .\n"
            f"{o} <{SDMX_DIM}refArea> {unit.iri} {g} .\n"
            f"{o} <{SDMX_DIM}refPeriod> \"{date}\"^^<{XSD}date> {g} .\n"
            f"{o} <{QB}measureType> <{KOOP}{measure}> {g} .\n"
            f"{o} <{KOOP}{measure}> {value} {g} .\n"
            f"{o} <{SDMX_ATT}unitMeasure> {unit_iri} {g} .\n")
    return "".join(lines)


# ---------------------------------------------------------------- putting it together


@dataclass
class Plan:
    kreise: list[Kreis]
    parts: list[list[str]]  # per Kreis: region + record lines
    kinds: dict[str, int]
    units: list[Unit]
    head: list[str]  # sources and Länder


def plan(target: int, seed: int, csv_path: Path | None) -> tuple[Plan, bool]:
    real = csv_path is not None and csv_path.is_file()
    lands, kreise = load_csv(csv_path) if real else synthetic(seed)
    copy = OpendataCopy(REGIONEN_TTL)
    head = source_lines(real)
    used = len(head)
    chosen, parts, units = [], [], []
    kinds = {"Land": 0, "Kreis": 0, "KreisfreieStadt": 0, "Gemeinde": 0, "Organisation": 0,
             "Kooperation": 0, "Massnahme": 0, "Zusatzleistung": 0}
    year_one = len(dataset_lines(LATEST_YEAR, real))
    seen_lands: set[str] = set()
    land_parts: list[str] = []
    for kreis in kreise:
        extra = [] if kreis.land in seen_lands else land_lines(kreis.land, lands.get(kreis.land, kreis.land), copy, real)

        def cost_of(k: Kreis):
            lines = kreis_region_lines(k, copy, real)
            recs, rec_kinds = record_lines(k, seed)
            # one year of statistics is reserved for every chosen Kreis
            return len(extra) + len(lines) + len(recs) + UNIT_TRIPLES * len(units_of(k)), lines, recs, rec_kinds

        cost, lines, recs, rec_kinds = cost_of(kreis)
        last = used + year_one + cost > target
        if last and len(kreis.gemeinden) > 1:
            # The Kreis does not fit whole: take as many of its Gemeinden as fit, so that
            # even a tiny graph has Gemeinden, and stop after it.
            n = len(kreis.gemeinden)
            while n > 1 and used + year_one + cost > target:
                per = max(1.0, (cost - len(extra)) / n)
                n = max(1, min(n - 1, int(n - (used + year_one + cost - target) / per)))
                part = Kreis(kreis.key, kreis.name, kreis.kind, kreis.type_label, kreis.land, kreis.gemeinden[:n])
                cost, lines, recs, rec_kinds = cost_of(part)
            kreis = part
        if chosen and used + year_one + cost > target:
            break
        used += cost
        if extra:
            seen_lands.add(kreis.land)
            land_parts += extra
            kinds["Land"] += 1
        chosen.append(kreis)
        parts.append(lines + recs)
        units += units_of(kreis)
        kinds[kreis.kind] += 1
        kinds["Gemeinde"] += len(kreis.gemeinden)
        for name, n in rec_kinds.items():
            kinds[name] += n
        if last:
            break
    # growth per region for the back-projection of the statistics
    rng = random.Random(f"{seed}:growth")
    for unit in units:
        unit.growth = rng.uniform(-0.012, 0.015)
    return Plan(chosen, parts, kinds, units, head + land_parts), real


def generate(target: int, out: Path, seed: int = 1, csv_path: Path | None = DEFAULT_CSV) -> dict:
    """Write the graph; return counts (triples per graph, records per kind, years)."""
    started = time.perf_counter()
    p, real = plan(target, seed, csv_path)
    counts = {"opendata": 0, "bench": 0, "statistik": 0}
    observations = 0
    years: list[int] = []
    budget = target - len(p.head) - sum(len(part) for part in p.parts)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for lines in [p.head, *p.parts]:
            f.writelines(lines)
            for line in lines:
                counts["opendata" if line.endswith(f"{G_OPENDATA} .\n") else "bench"] += 1
        year = LATEST_YEAR
        while p.units and year >= EARLIEST_YEAR:
            ds_lines = dataset_lines(year, real)
            if budget < len(ds_lines) + UNIT_TRIPLES and years:
                break
            f.writelines(ds_lines)
            budget -= len(ds_lines)
            counts["statistik"] += len(ds_lines)
            years.append(year)
            dataset = idiri(f"datensatz/bench-{year}")
            noise = random.Random(f"{seed}:obs:{year}")
            back = year - LATEST_YEAR
            buffer = []
            for unit in p.units:
                if budget < UNIT_TRIPLES and (year != LATEST_YEAR or buffer):
                    break
                population = max(0, round(unit.population * (1 + unit.growth) ** back * (1 + noise.gauss(0, 0.002))))
                buffer.append(observation_block(unit, year, dataset, population, unit.area))
                budget -= UNIT_TRIPLES
                observations += 2
                counts["statistik"] += UNIT_TRIPLES
                if len(buffer) >= 2000:
                    f.write("".join(buffer))
                    buffer.clear()
            f.write("".join(buffer))
            if budget < UNIT_TRIPLES:
                break
            year -= 1
    elapsed = time.perf_counter() - started
    total = sum(counts.values())
    return {
        "target": target, "triples": total, "graphs": counts, "records": p.kinds,
        "observations": observations, "years": [min(years), max(years)] if years else [],
        "source": "csv" if real else "synthetic", "seed": seed, "seconds": round(elapsed, 2),
        "triples_per_second": round(total / elapsed) if elapsed else None, "out": str(out),
    }


# ---------------------------------------------------------------- sample check

SAMPLE_KINDS = [
    ("Land", KOOP + "Land"), ("Kreis", KOOP + "Kreis"), ("KreisfreieStadt", KOOP + "KreisfreieStadt"),
    ("Gemeinde", KOOP + "Gemeinde"), ("Organisation", KOOP + "Organisation"), ("Kooperation", KOOP + "Kooperation"),
    ("Massnahme", KOOP + "Massnahme"), ("Zusatzleistung", KOOP + "Zusatzleistung"),
    ("DataSet", QB + "DataSet"), ("Observation", QB + "Observation"),
]


def context_store(path: Path):
    """The generated file plus the project's ontology and vocabularies, in memory."""
    import pyoxigraph as ox

    s = ox.Store()
    onto = ox.NamedNode(ID + "graph/ontology")
    for ttl in sorted((REPO / "ontology").rglob("*.ttl")):
        s.bulk_load(path=str(ttl), format=ox.RdfFormat.TURTLE, to_graph=onto)
    s.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return s


def check(path: Path, fraction: float = 0.01, seed: int = 1, batch: int = 400) -> dict:
    """Validate a sample of every kind with koopgraph.validation.check_change."""
    sys.path.insert(0, str(REPO / "server"))
    import pyoxigraph as ox

    from koopgraph.domain import validation

    started = time.perf_counter()
    s = context_store(path)
    shapes = validation.load_shapes(REPO)
    rng = random.Random(f"{seed}:check")
    rdf_type = ox.NamedNode(RDF_TYPE[1:-1])
    sample: list = []
    per_kind = {}
    generated = {ox.NamedNode(ID + "graph/" + g) for g in ("opendata", "bench", "statistik")}
    for name, cls in SAMPLE_KINDS:
        nodes = sorted({q.subject.value for q in s.quads_for_pattern(None, rdf_type, ox.NamedNode(cls), None)
                        if q.graph_name in generated})
        chosen = rng.sample(nodes, min(len(nodes), max(1, math.ceil(len(nodes) * fraction)))) if nodes else []
        per_kind[name] = {"total": len(nodes), "checked": len(chosen)}
        sample += [ox.NamedNode(n) for n in chosen]
    problems = []
    for i in range(0, len(sample), batch):
        triples = tuple(q.triple for node in sample[i:i + batch] for q in s.quads_for_pattern(node, None, None, None))
        report = validation.check_change(s, validation.Change(inserts=triples), shapes)
        problems += [(r.focus_node, r.path, r.component, r.message("en")) for r in report.results]
    return {"checked": len(sample), "per_kind": per_kind, "violations": problems,
            "conforms": not problems, "seconds": round(time.perf_counter() - started, 2)}


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", required=True, type=parse_size, help="target size, e.g. 100000, 100k, 1m, 5m")
    ap.add_argument("--out", required=True, type=Path, help="N-Quads file to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV,
                    help=f"municipalities CSV (default {DEFAULT_CSV}); a missing file means synthetic keys")
    ap.add_argument("--check", action="store_true", help="validate a sample against the shapes afterwards")
    ap.add_argument("--check-fraction", type=float, default=0.01)
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = ap.parse_args(argv)
    summary = generate(args.triples, args.out, args.seed, args.csv)
    if args.check:
        summary["check"] = check(args.out, args.check_fraction, args.seed)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        print(f"{summary['out']}: {summary['triples']:,} triples (target {summary['target']:,}, keys from "
              f"{summary['source']}) in {summary['seconds']} s = {summary['triples_per_second']:,} triples/s")
        print("  graphs: " + ", ".join(f"{g} {n:,}" for g, n in summary["graphs"].items()))
        print("  records: " + ", ".join(f"{kind} {n:,}" for kind, n in summary["records"].items()))
        print(f"  statistics: {summary['observations']:,} observations, years {summary['years']}")
        if "check" in summary:
            c = summary["check"]
            kinds = ", ".join(f"{kind} {v['checked']}/{v['total']}" for kind, v in c["per_kind"].items())
            print(f"  check: {c['checked']:,} nodes ({kinds}) in {c['seconds']} s: "
                  + ("all conform" if c["conforms"] else f"{len(c['violations'])} violations"))
            for v in c["violations"][:20]:
                print("    ", *v)
    return 0 if summary.get("check", {}).get("conforms", True) else 1


if __name__ == "__main__":
    sys.exit(main())
