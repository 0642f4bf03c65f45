"""The read-only data API (vlboard/api) through Starlette's TestClient, on a copy of the shipped
data: tokens and scopes (401/403), every filter, pagination, bad parameters (400 with a Vietnamese
message naming the parameter), JSON numbers, NFC, demo rows, the frames the pages use, and the
OpenAPI description against the routes served. tests/browser/test_api.py does the same over real
HTTP against serve.py, and through nginx in tests/browser/test_proxy.py."""

from __future__ import annotations

import shutil
import unicodedata

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from vlboard.api import frames, routes, tokens
from vlboard.board import screens
from vlboard.domain import filters
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

P = routes.PREFIX
ROUTES = [P + ep.path for ep in routes.ENDPOINTS]
PLAN = "qd3100-2023-tpvl"
UNIT = "x2025-29551"


@pytest.fixture(scope="module")
def api(shipped_data, tmp_path_factory):
    root = tmp_path_factory.mktemp("api") / "data"
    shutil.copytree(shipped_data.root, root)
    data = snapshots.DataDir(root)
    mp = pytest.MonkeyPatch()
    mp.setenv("VLBOARD_DATA", str(root))
    mp.setenv("VLBOARD_SECRETS", str(root / "no-secrets.toml"))
    src = Snapshot.current(data)
    real = src.q(
        "api_results",
        plan=None,
        pillar=None,
        agency=None,
        unit=None,
        period=None,
        include_demo=False,
        limit=1000,
        offset=0,
    )
    agency = real.agency_code.dropna().value_counts().index[0]  # the agency with most real figures
    keys = {
        s: tokens.add(data, f"client {s.split(':')[0]}", tokens.Scope.parse(s))[0]
        for s in ("all", f"agency:{agency}", f"unit:{UNIT}", f"plan:{PLAN}")
    }
    revoked, c = tokens.add(data, "old", tokens.Scope(None))
    tokens.revoke(data, c.key_id)
    routes.THROTTLE.reset()
    client = TestClient(Starlette(routes=routes.routes()))
    yield dict(client=client, data=data, src=src, keys=keys, agency=agency, revoked=revoked)
    mp.undo()


def get(api, path, token="all", **params):
    headers = {"Authorization": f"Bearer {api['keys'].get(token, token)}"} if token else {}
    return api["client"].get(path, params=params, headers=headers)


def every(api, path, token="all", **params) -> list[dict]:
    """All pages of a route, following ``next``; checks no row comes twice."""
    rows, url = [], None
    r = get(api, path, token, **params)
    while True:
        assert r.status_code == 200, r.text
        body = r.json()
        rows += body["data"]
        url = body["page"]["next"]
        if url is None:
            assert len(rows) == body["page"]["total"]
            return rows
        r = api["client"].get(url, headers={"Authorization": f"Bearer {api['keys'][token]}"})


def strings(x):
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for k, v in x.items():
            yield k
            yield from strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from strings(v)


# --- auth ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ROUTES)
def test_without_or_with_a_wrong_token_401(api, path):
    routes.THROTTLE.reset()  # 5 routes × 4 failures: under the per-address limit each time
    for token in (None, "vlb_wrong", "revoked"):
        t = api["revoked"] if token == "revoked" else token
        r = api["client"].get(path, headers={"Authorization": f"Bearer {t}"} if t else {})
        assert r.status_code == 401, (path, token)
        err = r.json()["error"]
        assert err["code"] == "unauthorized" and ("khóa" in err["message"].lower())
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert api["client"].get(path, headers={"Authorization": f"Basic {api['keys']['all']}"}).status_code == 401


def test_out_of_scope_403(api):
    agency = api["agency"]
    a = f"agency:{agency}"
    other = next(c for c in frames.live(api["data"]).catalogue.agencies if c != agency)
    r = get(api, f"{P}/results", a, agency=other)
    assert r.status_code == 403 and "agency" in r.json()["error"]["message"]
    assert get(api, f"{P}/status/indicators", f"unit:{UNIT}").status_code == 403  # province-wide frame
    assert get(api, f"{P}/completeness", f"plan:{PLAN}").status_code == 403  # not split by plan
    assert get(api, f"{P}/results", f"plan:{PLAN}", plan="kh67-2020").status_code == 403
    assert get(api, f"{P}/results", a, agency=agency).status_code == 200  # its own code is fine


def test_an_agency_token_sees_only_its_agencys_rows(api):
    agency = api["agency"]
    mine = every(api, f"{P}/results", f"agency:{agency}", limit=1000)
    assert mine and {r["agency_code"] for r in mine} == {agency}
    assert mine == every(api, f"{P}/results", agency=agency, limit=1000)  # = the everything token's filter
    status = every(api, f"{P}/status/agencies", f"agency:{agency}", limit=1000)
    assert status and {r["agency_code"] for r in status} == {agency}
    comp = every(api, f"{P}/completeness", f"agency:{agency}")
    assert all(r["subject_code"] == agency for r in comp)
    units = every(api, f"{P}/results", f"unit:{UNIT}", include_demo="true", limit=1000)
    assert units and {r["unit_code"] for r in units} == {UNIT}


# --- pages, filters, values -------------------------------------------------------------------


def test_pages_join_to_the_full_set_without_duplicates(api):
    full = every(api, f"{P}/results", plan=PLAN, include_demo="true", limit=1000)
    paged = every(api, f"{P}/results", plan=PLAN, include_demo="true", limit=700)
    ids = [r["result_id"] for r in paged]
    assert len(ids) == len(set(ids)) == len(full) > 1000 and ids == [r["result_id"] for r in full]
    small = every(api, f"{P}/status/units", include_demo="true", limit=97)
    big = every(api, f"{P}/status/units", include_demo="true", limit=1000)
    assert small == big and len(big) > 97
    ind = every(api, f"{P}/indicators", limit=50)
    assert len(ind) == len(api["src"].q("indicator_list")) and len({r["code"] for r in ind}) == len(ind)
    first = get(api, f"{P}/indicators").json()["page"]
    assert first["limit"] == 100 and first["returned"] == 100 and first["next"].endswith("cursor=100")
    past = get(api, f"{P}/indicators", cursor="100000").json()
    assert past["data"] == [] and past["page"]["next"] is None and past["page"]["total"] == len(ind)


@pytest.mark.parametrize(
    "path,key,value,field",
    [
        (f"{P}/results", "plan", PLAN, "plan"),
        (f"{P}/results", "pillar", "xa_hoi_so", "pillar"),
        (f"{P}/results", "unit", UNIT, "unit_code"),
        (f"{P}/results", "period", "2025-Q2", "period"),
        (f"{P}/indicators", "plan", PLAN, "plan"),
        (f"{P}/indicators", "pillar", "kinh_te_so", "pillar"),
        (f"{P}/status/indicators", "plan", PLAN, "plan"),
        (f"{P}/status/indicators", "pillar", "chinh_quyen_so", "pillar"),
        (f"{P}/status/agencies", "pillar", "xa_hoi_so", "pillar"),
        (f"{P}/status/units", "unit", UNIT, "unit_code"),
        (f"{P}/completeness", "unit", UNIT, "subject_code"),
    ],
)
def test_every_filter_narrows(api, path, key, value, field):
    everything = (
        every(api, path, include_demo="true", limit=1000) if path != f"{P}/indicators" else every(api, path, limit=1000)
    )
    extra = {} if path == f"{P}/indicators" else {"include_demo": "true"}
    narrowed = every(api, path, **{key: value}, **extra, limit=1000)
    assert narrowed and len(narrowed) < len(everything)
    assert {r[field] for r in narrowed} == {value}


def test_agency_and_unit_filters_of_the_catalogue(api):
    agency = api["agency"]
    ind = every(api, f"{P}/indicators", agency=agency, limit=1000)
    assigned = set(api["src"].q("assignments_all").query("agency_code == @agency").indicator_code)
    assert ind and {r["code"] for r in ind} == assigned
    ward = every(api, f"{P}/indicators", unit=UNIT, limit=1000)  # a 2025 commune: commune-level indicators
    assert ward and all("commune" in r["scope"] for r in ward)
    years = [t["year"] for r in ind for t in r["targets"]]
    assert years and all(isinstance(y, int) or y is None for y in years)  # None: «Văn bản không nêu năm»
    assert any(isinstance(t["value"], float) for r in ind for t in r["targets"])


def test_status_frames_are_the_pages_frames(api):
    src, period = api["src"], "2025"
    f = filters.Filters(period=period, source="real", plan=PLAN)
    card = screens.scorecard(src, f)
    got = every(api, f"{P}/status/indicators", period=period, plan=PLAN, limit=1000)
    assert [(r["indicator_code"], r["status"]) for r in got] == list(zip(card.indicator_code, card.status))
    units = screens.unit_rows(src, f, card)
    got = every(api, f"{P}/status/units", period=period, plan=PLAN, limit=1000)
    assert [(r["unit_code"], r["status"]) for r in got] == list(zip(units.unit_code, units.status))
    comp = screens.completeness_rows(src, filters.Filters(period="2025-Q2", source="real"))
    got = every(api, f"{P}/completeness", period="2025-Q2")
    assert [(r["subject_code"], r["expected"], r["received"], r["on_time"]) for r in got] == list(
        zip(comp.subject_code, comp.expected, comp.received, comp.on_time)
    )


def test_numbers_are_numbers_text_is_nfc_and_provenance_is_given(api):
    body = get(api, f"{P}/results", limit=1000, include_demo="true").json()
    values = [r["value"] for r in body["data"] if r["value"] is not None]
    assert values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    assert all(unicodedata.is_normalized("NFC", s) for s in strings(body))
    docs = [r for r in every(api, f"{P}/results", limit=1000) if r["provenance"]["source"] == "document"]
    assert docs and all(r["provenance"]["document"]["quote"] and r["provenance"]["document"]["figure_id"] for r in docs)
    assert {r["approval"] for r in docs} == {"document"}  # no report in the shipped data
    comp = get(api, f"{P}/completeness", period="2025-Q2").json()["data"]
    assert comp and all(isinstance(r["expected"], int) and isinstance(r["pct_received"], float) for r in comp)


def test_demo_rows_hidden_by_default_and_labelled_when_asked(api):
    real = every(api, f"{P}/results", plan=PLAN, limit=1000)
    assert all(r["provenance"]["source"] != "demo" and not r["demo"] for r in real)
    shown = get(api, f"{P}/results", plan=PLAN, include_demo="true", limit=1000).json()
    demo = [r for r in shown["data"] if r["provenance"]["source"] == "demo"]
    assert shown["include_demo"] is True and demo
    assert all(r["demo"] is True and r["demo_note"] == "số liệu minh họa" for r in demo)


# --- bad parameters ---------------------------------------------------------------------------

HOSTILE = ["' OR 1=1 --", "<script>alert(1)</script>", "x" * 500, "kh67-2020'; drop table results; --", "%00", "ｑｄ"]


@pytest.mark.parametrize(
    "path,params,name",
    [
        (f"{P}/results", {"plan": "kh-khong-co"}, "plan"),
        (f"{P}/results", {"period": "2025-Q9"}, "period"),
        (f"{P}/status/indicators", {"period": "2031"}, "period"),
        (f"{P}/results", {"limit": "0"}, "limit"),
        (f"{P}/results", {"limit": "5000"}, "limit"),
        (f"{P}/results", {"limit": "abc"}, "limit"),
        (f"{P}/results", {"limit": "-1"}, "limit"),
        (f"{P}/results", {"cursor": "-5"}, "cursor"),
        (f"{P}/results", {"cursor": "1e3"}, "cursor"),
        (f"{P}/results", {"include_demo": "yes"}, "include_demo"),
        (f"{P}/results", {"pillar": ""}, "pillar"),
        (f"{P}/indicators", {"period": "2025"}, "period"),  # not a filter of the catalogue
        (f"{P}/completeness", {"plan": PLAN}, "plan"),
        (f"{P}/results", {"color": "red"}, "color"),
    ]
    + [(f"{P}/results", {k: v}, k) for k in ("plan", "pillar", "agency", "unit", "period") for v in HOSTILE],
)
def test_bad_parameters_400_in_vietnamese(api, path, params, name):
    r = get(api, path, **params)
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["code"] in ("bad_parameter", "unknown_value", "unknown_parameter")
    assert f"«{name}»" in err["message"] and err["message"].startswith("Tham số")
    assert r.headers["content-type"].startswith("application/json")


def test_repeated_parameter_and_writes_are_refused(api):
    r = api["client"].get(
        f"{P}/results?plan={PLAN}&plan=kh67-2020", headers={"Authorization": f"Bearer {api['keys']['all']}"}
    )
    assert r.status_code == 400 and "một lần" in r.json()["error"]["message"]
    assert api["client"].post(f"{P}/results").status_code == 405
    assert api["client"].get(f"{P}/nope").json()["error"]["code"] == "not_found"


# --- the description --------------------------------------------------------------------------


def test_openapi_describes_every_route_and_every_described_route_answers(api):
    doc = api["client"].get(f"{P}/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    served = {r.path for r in routes.routes() if "{" not in r.path}
    assert served == set(doc["paths"])
    for path, item in doc["paths"].items():
        op = item["get"]
        assert get(api, path).status_code == 200, path
        names = {p["name"] for p in op.get("parameters", [])}
        ep = next((e for e in routes.ENDPOINTS if P + e.path == path), None)
        if ep:
            assert names == {*ep.filters, "limit", "cursor"}
            assert {"200", "400", "401", "403", "503"} <= set(op["responses"])


def test_failures_from_one_address_are_throttled(api):
    routes.THROTTLE.reset()
    codes = [get(api, f"{P}/results", "vlb_guess").status_code for _ in range(21)]
    assert codes[:20] == [401] * 20 and codes[20] == 429
    assert get(api, f"{P}/results").status_code == 429  # even the right token, for a minute
    routes.THROTTLE.reset()
    assert get(api, f"{P}/results").status_code == 200
