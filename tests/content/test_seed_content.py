"""The graph says what the minutes say, for every working group.

Every expected value here was written from reading the minutes
(../shared/seed/000_b24577efa543cd49.txt), not from the graph.
"""

import pytest

from realkg import column, select, short

SH_15 = {"01001", "01002", "01003", "01004", "01051", "01053", "01054", "01055", "01056", "01057",
         "01058", "01059", "01060", "01061", "01062"}
ROLL_UP = "?place koop:liegtIn* ?kreis . VALUES ?kt { koop:Kreis koop:KreisfreieStadt } ?kreis a ?kt ."


# ---------------------------------------------------------------- the event

def test_four_working_groups_with_their_moderators_and_regions(kg):
    rows = select(kg, """
        SELECT ?n ?name ?region WHERE {
          ?ag a koop:Arbeitsgruppe ; koop:nummer ?n ; koop:moderation/schema:name ?name ; koop:region ?region }""")
    got = {}
    for r in rows:
        got.setdefault((int(r["n"]), r["name"]), set()).add(short(r["region"]))
    assert got == {
        (1, "Astrid Willer"): {"01055", "01057", "01053", "01003"},
        (2, "Torsten Döhring"): {"01002", "01004", "01058"},
        (3, "Doris Kratz-Hinrichsen"): {"01056", "01060", "01062", "01061"},
        (4, "Naciye Demirbilek"): {"01054", "01059", "01001", "01051"},
    }


def test_the_working_groups_together_cover_exactly_the_fifteen_kreise_and_kreisfreie_staedte(kg):
    assert {short(r) for r in column(kg, "SELECT ?r WHERE { ?ag a koop:Arbeitsgruppe ; koop:region ?r }")} == SH_15
    assert {short(r) for r in column(kg, "SELECT ?r WHERE { VALUES ?t { koop:Kreis koop:KreisfreieStadt } ?r a ?t }")} == SH_15


def test_steinburg_was_not_represented_and_arge_representatives_were_absent_in_group_3(kg):
    assert column(kg, "SELECT ?r WHERE { ?ag koop:nichtVertreteneRegion ?r }") == {"https://w3id.org/koopgraph/id/region/01061"}
    absent = column(kg, "SELECT ?o WHERE { arbeitsgruppe:3 koop:nichtAnwesend ?o }")
    assert {short(o) for o in absent} == {"arge-pinneberg", "arge-segeberg", "arge-stormarn", "arge-steinburg"}


def test_nothing_is_recorded_about_steinburg_except_its_absence(kg):
    rows = select(kg, f"""
        SELECT ?record WHERE {{
          VALUES ?c {{ koop:Kooperation koop:Massnahme koop:Zusatzleistung koop:Antwort koop:Helferfunktion koop:Beitrag }}
          ?record a ?c ; koop:region ?place . {ROLL_UP} FILTER(?kreis = region:01061) }}""")
    assert rows == []


def test_participants_of_each_working_group_as_the_minutes_list_them(kg):
    rows = select(kg, "SELECT ?n ?o WHERE { ?ag koop:nummer ?n ; koop:teilnehmer ?o }")
    got = {}
    for r in rows:
        got.setdefault(int(r["n"]), set()).add(short(r["o"]))
    assert got == {
        1: {"migrationsfachdienste-ostholstein", "migrationsfachdienste-herzogtum-lauenburg", "migrationsfachdienste-luebeck",
            "arge-luebeck", "frauenhaus-kreis-ploen", "ministerium-justiz-arbeit-europa", "regionaldirektion-nord"},
        2: {"migrationsfachdienste-kiel", "migrationsfachdienste-neumuenster", "migrationsfachdienste-rendsburg-eckernfoerde",
            "bildungstraeger-kiel", "bildungstraeger-neumuenster", "bildungstraeger-rendsburg-eckernfoerde",
            "arge-neumuenster", "autonomes-frauenhaus-rendsburg", "diakonisches-werk"},
        3: {"ngos-pinneberg", "ngos-segeberg", "ngos-stormarn"},
        4: {"migrationsfachdienste-dithmarschen", "migrationsfachdienste-nordfriesland",
            "migrationsfachdienste-schleswig-flensburg", "migrationsfachdienste-flensburg", "bildungstraeger-dithmarschen",
            "bildungstraeger-nordfriesland", "bildungstraeger-schleswig-flensburg", "bildungstraeger-flensburg",
            "arge-dithmarschen", "arge-flensburg", "sozialzentren-nordfriesland", "sozialzentren-schleswig-flensburg",
            "bamf", "beauftragter-fluechtlings-asyl-zuwanderungsfragen"},
    }


def test_the_project_inhouse_schulungen_co_organised_the_event(kg):
    assert column(kg, "SELECT ?o WHERE { ?v a koop:Veranstaltung ; koop:mitveranstalter/rdfs:label ?o }") == {"Projekt Inhouse-Schulungen"}


def test_people_appear_only_as_the_four_moderators(kg):
    assert column(kg, "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name }") == {
        "Astrid Willer", "Torsten Döhring", "Doris Kratz-Hinrichsen", "Naciye Demirbilek"}
    extra = select(kg, """SELECT ?p ?prop WHERE { ?p a schema:Person ; ?prop ?o
        FILTER(?prop NOT IN (rdf:type, rdfs:label, schema:name, prov:wasDerivedFrom, koop:zitat)) }""")
    assert extra == []
    assert column(kg, "SELECT ?p WHERE { ?x ?prop ?p . ?p a schema:Person FILTER(?prop != koop:moderation) }") == set()


# ---------------------------------------------------------------- guiding questions

def test_thirteen_guiding_questions_with_numbers_and_topic_areas(kg):
    rows = select(kg, """SELECT ?n ?tk WHERE { ?q a koop:Leitfrage ; koop:nummer ?n
        OPTIONAL { ?q koop:themenkomplex ?tk } }""")
    got = {int(r["n"]): short(r["tk"]) if "tk" in r else None for r in rows}
    assert got == {1: "kooperationen", 2: "kooperationen", 3: "kooperationen", 4: "inhalte", 5: "inhalte",
                   6: "inhalte", 7: "inhalte", 8: "inhalte", 9: "inhalte", 10: "leistungsbereich",
                   11: "leistungsbereich", 12: None, 13: None}


@pytest.mark.parametrize(("number", "text"), [
    (1, "Existieren in den Kreisen und kreisfreien Städten Kooperationen zwischen ARGE n und Migrationfachdiensten?"),
    (5, "Gibt es die Möglichkeit der sofortigen Anschlussqualifikation nach dem Abschluss des Integrationskurses?"),
    (10, "Welche Zusatzleistungen werden in den Kreisen und kreisfreien Städten durch die Arge finanziert?"),
    (13, "Welche Fragen existieren an das Podium?"),
])
def test_guiding_question_text_is_the_wording_of_the_minutes(kg, number, text):
    assert column(kg, f"SELECT ?t WHERE {{ ?q a koop:Leitfrage ; koop:nummer {number} ; koop:text ?t }}") == {text}


# ---------------------------------------------------------------- cooperation

def test_the_only_existing_written_cooperation_agreement_is_in_dithmarschen(kg):
    rows = select(kg, f"""SELECT DISTINCT ?kreis WHERE {{
        ?k a koop:Kooperation ; koop:kooperationsform kform:kooperationsvereinbarung ; koop:status kstatus:besteht ;
           koop:region ?place . {ROLL_UP} }}""")
    assert {short(r["kreis"]) for r in rows} == {"01051"}


def test_written_agreements_by_region_and_status(kg):
    rows = select(kg, """SELECT ?region ?status WHERE {
        ?k koop:kooperationsform kform:kooperationsvereinbarung ; koop:status ?status ; koop:region ?region }""")
    assert {(short(r["region"]), short(r["status"])) for r in rows} == {
        ("01051", "besteht"), ("01002", "angestrebt"), ("01004", "angestrebt"), ("01056", "geplant"),
        ("01060", "keine"), ("01062", "keine"), ("01001", "keine"), ("01054", "keine")}


def test_the_dithmarschen_agreement_binds_msb_jmd_arge_and_ag_migration(kg):
    parties = column(kg, "SELECT ?o WHERE { kooperation:dithmarschen-kooperationsvereinbarung koop:beteiligt ?o }")
    assert {short(o) for o in parties} == {"msb-dithmarschen", "jmd-dithmarschen", "arge-dithmarschen", "ag-migration-dithmarschen"}


def test_kiel_has_a_quarterly_city_wide_working_group_job_und_migration(kg):
    rows = select(kg, """SELECT ?freq ?ebene WHERE { ?k rdfs:label ?l ; koop:kooperationsform kform:arbeitskreis ;
        koop:status kstatus:besteht ; koop:haeufigkeit ?freq ; koop:ebene ?ebene ; koop:region region:01002
        FILTER(CONTAINS(?l, "Job und Migration")) }""")
    assert [(short(r["freq"]), short(r["ebene"])) for r in rows] == [("vierteljaehrlich", "kreisebene")]


def test_kiel_stadtteile_mettenhof_and_gaarden_have_no_working_groups_but_case_contacts(kg):
    rows = select(kg, """SELECT ?form ?status ?r WHERE { ?k koop:kooperationsform ?form ; koop:status ?status ; koop:region ?r
        FILTER(?r IN (<https://w3id.org/koopgraph/id/region/01002000-mettenhof>, <https://w3id.org/koopgraph/id/region/01002000-gaarden>)) }""")
    assert {(short(r["form"]), short(r["status"]), short(r["r"])) for r in rows} == {
        ("arbeitskreis", "keine", "01002000-mettenhof"), ("arbeitskreis", "keine", "01002000-gaarden"),
        ("einzelfallkooperation", "besteht", "01002000-mettenhof"), ("einzelfallkooperation", "besteht", "01002000-gaarden")}


def test_kiel_aims_for_an_agreement_clarifying_responsibilities_interfaces_and_profiling(kg):
    assert column(kg, "SELECT ?z WHERE { kooperation:kiel-kooperationsvereinbarung koop:ziel ?z }") == {
        "Zuständigkeiten gegenseitig klären", "Schnittstellen aufzeigen", "ein Profilingkonzept erarbeiten"}


def test_the_motor_of_cooperation_is_named_where_the_minutes_name_it(kg):
    rows = select(kg, "SELECT ?k ?i WHERE { ?k koop:initiator ?i }")
    assert {(short(r["k"]), short(r["i"])) for r in rows} == {
        ("ostholstein-formale-strukturen", "migrationsfachdienste-ostholstein"),
        ("kiel-verbundprojekt", "bietergemeinschaft-integrationskurstraeger-kiel"),
        ("neumuenster-kooperationsvereinbarung", "mbe-neumuenster"),
        ("neumuenster-treffen-integrationszentren", "mbe-neumuenster"),
        ("rendsburg-treffen-mit-arge", "rendsburg-arbeitskreis-migrationsberatung"),
        ("rendsburg-kooperationsstruktur", "rendsburg-arbeitskreis-migrationsberatung"),
    }


def test_segeberg_arge_does_not_want_cooperation(kg):
    rows = select(kg, "SELECT ?k ?by WHERE { ?k koop:status kstatus:abgelehnt ; koop:abgelehntVon ?by ; koop:region region:01060 }")
    assert [short(r["by"]) for r in rows] == ["arge-segeberg"]


def test_stormarn_has_a_round_table_at_the_upper_level(kg):
    rows = select(kg, "SELECT ?e WHERE { ?k koop:kooperationsform kform:runder-tisch ; koop:status kstatus:besteht ; koop:ebene ?e ; koop:region region:01062 }")
    assert [short(r["e"]) for r in rows] == ["obere-ebene"]


def test_schleswig_flensburg_migration_round_meets_yearly_since_2000(kg):
    rows = select(kg, """SELECT ?seit ?f WHERE { ?k koop:kooperationsform kform:migrationsrunde ; koop:region region:01059 ;
        koop:seit ?seit ; koop:haeufigkeit ?f }""")
    assert [(r["seit"], short(r["f"])) for r in rows] == [("2000", "jaehrlich")]


def test_rendsburg_working_group_met_the_arge_team_leaders_twice(kg):
    assert column(kg, "SELECT ?n WHERE { kooperation:rendsburg-treffen-mit-arge koop:anzahlTreffen ?n }") == {"2"}


def test_ploen_reports_no_formal_structure_known_which_is_not_the_same_as_not_reported(kg):
    rows = select(kg, "SELECT ?form ?status WHERE { ?k koop:region region:01057 ; koop:kooperationsform ?form ; koop:status ?status }")
    assert [(short(r["form"]), short(r["status"])) for r in rows] == [("formale-kooperation", "keine-bekannt")]


def test_every_region_except_steinburg_has_at_least_one_cooperation_record(kg):
    rows = select(kg, f"SELECT DISTINCT ?kreis WHERE {{ ?k a koop:Kooperation ; koop:region ?place . {ROLL_UP} }}")
    assert {short(r["kreis"]) for r in rows} == SH_15 - {"01061"}


# ---------------------------------------------------------------- actors

def test_frauenhaeuser_and_where_they_are(kg):
    rows = select(kg, f"""SELECT ?name ?kreis WHERE {{ ?o koop:organisationsart oart:frauenhaus ; rdfs:label ?name ;
        koop:region ?place . {ROLL_UP} }}""")
    assert {(r["name"], short(r["kreis"])) for r in rows} == {
        ("Frauenhaus Kreis Plön", "01057"), ("Autonomes Frauenhaus Rendsburg", "01058"), ("Frauenhaus Norderstedt", "01060")}


def test_every_organisation_named_in_the_glossary_is_in_the_graph(kg):
    labels = column(kg, "SELECT ?l WHERE { ?o a koop:Organisation ; rdfs:label ?l }")
    for name in ["bequa Flensburg GmbH", "RAPS", "IB (Internationaler Bund), Stormarn", "Volkshochschule (Rendsburg)",
                 "Handwerkskammer (Maßnahme in Kiel)", "Diakonisches Werk", "Sozialforum Kappeln", "Frauenhaus Kreis Plön",
                 "Autonomes Frauenhaus Rendsburg", "Frauenhaus Norderstedt", "Ministerium für Justiz, Arbeit und Europa",
                 "Beauftragter für Flüchtlings-, Asyl- und Zuwanderungsfragen des Landes Schleswig-Holstein",
                 "Projekt Inhouse-Schulungen"]:
        assert name in labels


def test_optionskommunen_are_nordfriesland_and_schleswig_flensburg_with_their_sozialzentren(kg):
    rows = select(kg, "SELECT ?o ?r WHERE { ?o koop:organisationsart oart:optionskommune ; koop:region ?r }")
    assert {short(r["r"]) for r in rows} == {"01054", "01059"}
    units = select(kg, "SELECT ?u ?p WHERE { ?u koop:organisationsart oart:sozialzentrum ; org:subOrganizationOf ?p }")
    assert {(short(r["u"]), short(r["p"])) for r in units} == {
        ("sozialzentren-nordfriesland", "optionskommune-nordfriesland"),
        ("sozialzentren-schleswig-flensburg", "optionskommune-schleswig-flensburg")}


def test_every_arge_named_in_the_minutes_has_its_jobcenter_as_successor(kg):
    rows = select(kg, "SELECT ?arge ?jc WHERE { ?arge koop:organisationsart oart:arge ; koop:nachfolger ?jc . ?jc koop:organisationsart oart:jobcenter }")
    pairs = {(short(r["arge"]), short(r["jc"])) for r in rows}
    assert len(pairs) == 12
    assert all(jc == "jobcenter-" + arge.removeprefix("arge-") for arge, jc in pairs)
    assert ("arge-ploen", "jobcenter-ploen") not in pairs  # the minutes never mention an ARGE in Plön


# ---------------------------------------------------------------- measures and benefits

def test_kiel_job_centres_offer_six_measures(kg):
    rows = select(kg, "SELECT ?n ?a WHERE { ?m koop:anzahl ?n ; koop:anbieter ?a ; koop:region region:01002 }")
    assert [(r["n"], short(r["a"])) for r in rows] == [("6", "arge-kiel")]


def test_rendsburg_one_euro_jobs_have_a_twenty_percent_training_share(kg):
    rows = select(kg, "SELECT ?m ?share ?r WHERE { ?m koop:weiterbildungsanteil ?share ; koop:region ?r }")
    assert [(float(r["share"]), short(r["r"])) for r in rows] == [(0.2, "01058")]


def test_measures_in_the_towns_of_pinneberg_and_segeberg_roll_up_to_their_kreis(kg):
    rows = select(kg, f"""SELECT ?m ?place ?kreis WHERE {{ ?m a koop:Massnahme ; koop:region ?place .
        ?place a koop:Gemeinde . {ROLL_UP} FILTER(?kreis IN (region:01056, region:01060)) }}""")
    got = {(short(r["m"]), short(r["place"]), short(r["kreis"])) for r in rows}
    assert got == {
        ("pinneberg-orientierungskurse-frauen", "01056039", "01056"),
        ("pinneberg-orientierungskurse-frauen", "01056049", "01056"),
        ("pinneberg-sprachfoerderung-1-euro-beschaeftigung", "01056050", "01056"),
        ("norderstedt-bildungsbereich", "01060063", "01060"),
        ("norderstedt-sprachpatenschaften", "01060063", "01060"),
        ("segeberg-orientierungskurse", "01060044", "01060"),
        ("segeberg-orientierungskurse", "01060004", "01060"),
        ("bad-bramstedt-deutschkurse", "01060004", "01060"),
    }


def test_four_orientation_courses_in_kaltenkirchen_and_bad_bramstedt_funded_by_bamf(kg):
    rows = select(kg, "SELECT ?n ?f WHERE { massnahme:segeberg-orientierungskurse koop:anzahl ?n ; koop:foerderer ?f }")
    assert [(r["n"], short(r["f"])) for r in rows] == [("4", "bamf")]


def test_demanded_measures_per_working_group(kg):
    rows = select(kg, "SELECT ?m ?ag WHERE { ?m a koop:Massnahme ; koop:status astatus:gefordert ; koop:arbeitsgruppe/koop:nummer ?ag }")
    assert {(short(r["m"]), int(r["ag"])) for r in rows} == {
        ("ag3-kurse-jugendliche-praktika", 3), ("ag3-anpassungskurse-akademiker", 3),
        ("ag4-berufsspezifische-sprachkurse-gefordert", 4), ("ag4-qualifizierung-lehrkraefte", 4)}


def test_missing_offers_ostholstein_and_insecure_residence_status(kg):
    rows = select(kg, "SELECT ?m WHERE { ?m a koop:Massnahme ; koop:status astatus:fehlt }")
    assert {short(r["m"]) for r in rows} == {"ostholstein-fehlende-massnahmen", "ag3-ungesicherter-aufenthalt"}
    groups = column(kg, "SELECT ?z WHERE { massnahme:ag3-ungesicherter-aufenthalt koop:zielgruppe ?z }")
    assert {short(z) for z in groups} == {"ungesicherter-aufenthalt"}


def test_target_groups_from_the_minutes_are_all_used(kg):
    used = {short(z) for z in column(kg, "SELECT ?z WHERE { ?x koop:zielgruppe ?z }")}
    assert {"frauen", "alleinerziehende", "unter-25", "jugendliche", "akademiker", "ungesicherter-aufenthalt",
            "strassenkinder", "kinder", "lehrkraefte"} <= used


def test_the_heran_an_die_zukunft_project_is_a_cooperation_and_a_measure(kg):
    rows = select(kg, "SELECT ?a ?k WHERE { massnahme:flensburg-heran-an-die-zukunft koop:anbieter ?a ; koop:imRahmenVon ?k }")
    assert [(short(r["a"]), short(r["k"])) for r in rows] == [("bequa-flensburg", "flensburg-heran-an-die-zukunft")]
    parties = column(kg, "SELECT ?o WHERE { kooperation:flensburg-heran-an-die-zukunft koop:beteiligt ?o }")
    assert {short(o) for o in parties} == {"stadt-flensburg", "arge-flensburg", "bequa-flensburg"}


def test_additional_benefits_rolled_up_to_the_kreis(kg):
    rows = select(kg, f"""SELECT ?kreis ?art ?place WHERE {{ ?z a koop:Zusatzleistung ; koop:leistungsart ?art ;
        koop:region ?place . {ROLL_UP} }}""")
    got = {(short(r["kreis"]), short(r["art"]), short(r["place"])) for r in rows}
    assert got == {
        ("01056", "fahrtkostenzuschuss", "01056"), ("01056", "kinderbetreuung", "01056"),
        ("01060", "fahrtkostenzuschuss", "01060044"), ("01062", "fahrtkostenzuschuss", "01062004"),
        ("01002", "fahrtkosten", "01002"), ("01004", "fahrtkosten", "01004"), ("01058", "fahrtkosten", "01058"),
        ("01002", "kinderbetreuung", "01002"), ("01004", "kinderbetreuung", "01004"), ("01058", "kinderbetreuung", "01058"),
        ("01051", "anerkennungskosten", "01051"),
        ("01051", "berufsspezifischer-sprachkurs", "01051"), ("01054", "berufsspezifischer-sprachkurs", "01054"),
        ("01059", "berufsspezifischer-sprachkurs", "01059"), ("01001", "berufsspezifischer-sprachkurs", "01001"),
    }


def test_childcare_in_group_2_is_arranged_not_financed_by_the_arge(kg):
    rows = select(kg, "SELECT ?f WHERE { <https://w3id.org/koopgraph/id/zusatzleistung/ag2-kinderbetreuung> koop:foerderer ?f }")
    assert [short(r["f"]) for r in rows] == ["kommune"]
    assert column(kg, "SELECT ?o WHERE { <https://w3id.org/koopgraph/id/zusatzleistung/ag2-kinderbetreuung> koop:finanziertVon ?o }") == set()


def test_recognition_costs_in_dithmarschen_are_regulated_in_the_agreement(kg):
    rows = select(kg, "SELECT ?k WHERE { ?z koop:leistungsart leist:anerkennungskosten ; koop:geregeltIn ?k }")
    assert [short(r["k"]) for r in rows] == ["dithmarschen-kooperationsvereinbarung"]


def test_helper_role_for_forms_in_group_3(kg):
    rows = select(kg, "SELECT ?r ?o WHERE { ?h a koop:Helferfunktion ; koop:region ?r ; koop:wahrgenommenVon ?o }")
    assert {(short(r["r"]), short(r["o"])) for r in rows} == {
        ("01056", "migrationsfachdienste-pinneberg"), ("01060", "migrationsfachdienste-segeberg"),
        ("01062", "migrationsfachdienste-stormarn"), ("01060063", "frauenhaus-norderstedt")}


# ---------------------------------------------------------------- answers

def test_answers_to_guiding_question_5_follow_the_minutes_region_by_region(kg):
    rows = select(kg, "SELECT ?r ?v WHERE { ?a a koop:Antwort ; koop:leitfrage leitfrage:5 ; koop:region ?r ; koop:antwortwert ?v }")
    assert {short(r["r"]): short(r["v"]) for r in rows} == {
        "01055": "nein", "01002": "nein", "01004": "teilweise", "01058": "teilweise",
        "01056": "nein", "01060": "nein", "01062": "nein",
        "01051": "nein", "01054": "nein", "01059": "nein", "01001": "nein"}


def test_a_general_statement_of_group_3_applies_only_to_the_regions_present(kg):
    for question in (5, 6, 9):
        regions = column(kg, f"SELECT ?r WHERE {{ ?a koop:arbeitsgruppe arbeitsgruppe:3 ; koop:leitfrage leitfrage:{question} ; koop:region ?r }}")
        assert {short(r) for r in regions} == {"01056", "01060", "01062"}


def test_no_region_has_two_answers_to_the_same_question_from_the_same_group(kg):
    rows = select(kg, """SELECT ?ag ?q ?r (COUNT(?a) AS ?n) WHERE { ?a a koop:Antwort ; koop:arbeitsgruppe ?ag ;
        koop:leitfrage ?q ; koop:region ?r } GROUP BY ?ag ?q ?r HAVING (COUNT(?a) > 1)""")
    assert rows == []


# ---------------------------------------------------------------- contributions

def test_questions_and_demands_to_the_podium_per_working_group(kg):
    rows = select(kg, """SELECT ?ag ?n ?text ?class WHERE { ?b koop:richtetSichAn ?p ; koop:arbeitsgruppe/koop:nummer ?ag ;
        koop:nummer ?n ; koop:text ?text ; a ?class . ?p a koop:Podium }""")
    got = sorted((int(r["ag"]), int(r["n"]), short(r["class"]).split("#")[-1], r["text"]) for r in rows)
    assert got == [
        (1, 1, "Forderung", "Bereitschaft zur Kooperation sollte auch bei der Arbeitsverwaltung gefördert werden, regelmäßige Arbeitstreffen sollte es in allen Kreisen geben"),
        (1, 2, "Forderung", "Die Unabhängigkeit der jeweiligen Stellen sollte auch im Rahmen regelmäßiger Kooperation gewährleistet bleiben."),
        (1, 3, "Forderung", "Mehr individuelle, an den mitgebrachten Kenntnissen orientierte Fördermöglichkeiten sind nötig, insbesondere für AkademikerInnen"),
        (1, 4, "Forderung", "Mehr Transparenz der Maßnahmenangebote wäre hilfreich."),
        (1, 5, "Forderung", "Mehr Angebote in Landkreisen und Übernahme der Fahrtkosten sind nötig."),
        (3, 1, "Frage", "Verhältnis Fordern/Fördern bei der ARGE?"),
        (3, 2, "Forderung", "Fahrtkosten/Kinderbetreuung in S-H flächendeckend übernehmen"),
        (3, 3, "Frage", "ARGE – wie ist die übergreifende Kooperationen mit anderen ARGEen"),
        (3, 4, "Frage", "Wie ist die Kooperationen mit den sozialen Diensten/Migrationfachdiensten?"),
        (3, 5, "Frage", "Gibt es eine Zusammenarbeit der zuständigen Ministerien?"),
        (3, 6, "Forderung", "soziale und interkulturelle Kompetenz bei den ARGEmitarbeiterInnen ist erforderlich"),
        (3, 7, "Forderung", "Regelung BaföG/ALG II ist nötig"),
        (3, 8, "Forderung", "Abschaffung der Überprüfung bei bleiberechtsungesicherten Flüchtlingen"),
        (4, 1, "Forderung", "Es sollte mehr Auseinandersetzung zwischen ARGE und Bundesagentur über berufsspezifische Sprachkurse geben."),
        (4, 2, "Frage", "Was wird getan, um die MitarbeiterInnen der öffentlichen Verwaltungen zu sensibilisieren?"),
        (4, 3, "Forderung", "Forderung nach Abbau der Bürokratie"),
    ]


def test_the_finnish_model_of_probationary_employment_for_academics(kg):
    rows = select(kg, "SELECT ?text ?land ?bew WHERE { ?m a koop:Modell ; koop:text ?text ; dcterms:spatial ?land ; koop:bewertung ?bew }")
    assert rows == [{
        "text": "Einstellung auf Probe für AkademikerInnen im Ausbildungsberuf – langsamer Einstieg in vollwertige Beschäftigung im erlernten Beruf",
        "land": "http://publications.europa.eu/resource/authority/country/FIN", "bew": "nachahmenswert"}]


def test_the_bafoeg_sgb_ii_gap_is_a_problem_raised_by_group_3_under_question_12(kg):
    rows = select(kg, "SELECT ?text WHERE { ?p a koop:Problem ; koop:arbeitsgruppe arbeitsgruppe:3 ; koop:leitfrage leitfrage:12 ; koop:text ?text }")
    assert [r["text"] for r in rows] == ["BaföG und SGB II (Studierende bekommen weder BaföG-Leistungen noch SGB II)"]


def test_problems_raised_per_working_group(kg):
    rows = select(kg, "SELECT ?b ?ag WHERE { ?b a koop:Problem ; koop:arbeitsgruppe/koop:nummer ?ag }")
    assert {(short(r["b"]), int(r["ag"])) for r in rows} == {
        ("ag1-nur-kurze-massnahmen", 1), ("ag1-kompetenzen-herkunftsland", 1), ("ag1-beratende-nicht-informiert", 1),
        ("kiel-kein-massnahmenueberblick", 2), ("neumuenster-ausschreibungspflicht", 2),
        ("neumuenster-erfahrung-arge-mitarbeitende", 2), ("neumuenster-schwarzes-loch", 2),
        ("ag3-nachqualifikation-nicht-im-blick", 3), ("ag3-bafoeg-sgb-ii", 3),
    }


def test_demands_that_are_not_addressed_to_the_podium(kg):
    rows = select(kg, "SELECT ?text WHERE { ?b a koop:Forderung ; koop:text ?text FILTER NOT EXISTS { ?b koop:richtetSichAn ?p } }")
    assert {r["text"] for r in rows} == {
        "Aufhebung des nachrangigen Arbeitsmarktzuganges",
        "Nötig ist die Verzahnung berufliche Qualifizierung und berufsbezogener Sprachunterricht",
        "Angemerkt wurde auch, dass der hohe Bürokratie/Verwaltungsaufwand abgeschafft werden müsste.",
    }


# ---------------------------------------------------------------- regions and spellings

@pytest.mark.parametrize(("spelling", "kreis"), [
    ("Stormann", "01062"), ("Herzogtum-Lauenburg", "01053"), ("Kreis Bad Segeberg", "01060"), ("Stadt Flensburg", "01001"),
])
def test_the_minutes_own_spellings_find_the_region(kg, spelling, kreis):
    rows = select(kg, f'SELECT ?r WHERE {{ ?r skos:altLabel "{spelling}"@de }}')
    assert [short(r["r"]) for r in rows] == [kreis]


def test_mettenhof_and_gaarden_are_stadtteile_of_kiel(kg):
    rows = select(kg, "SELECT ?s ?c WHERE { ?s a koop:Stadtteil ; koop:liegtIn ?c }")
    assert {(short(r["s"]), short(r["c"])) for r in rows} == {("01002000-mettenhof", "01002"), ("01002000-gaarden", "01002")}


def test_every_record_region_rolls_up_to_a_region_of_its_working_group(kg):
    rows = select(kg, f"""SELECT DISTINCT ?record ?kreis WHERE {{
        ?record koop:arbeitsgruppe ?ag ; koop:region ?place . {ROLL_UP}
        FILTER NOT EXISTS {{ ?ag koop:region ?kreis }} }}""")
    assert rows == []
