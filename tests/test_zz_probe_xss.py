import html, re
import pytest
from streamlit.testing.v1 import AppTest
from .test_xss_browser import plant, PAYLOADS, PLANTED
from .test_hostile import _rendered, _unescaped, APP

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")

@pytest.mark.parametrize("page,params", [("views/overview.py", {"plan": "qd2702-2024"}), ("views/agencies.py", {}),
    ("views/units.py", {}), ("views/indicator.py", {"code": PLANTED}), ("views/milestones.py", {}),
    ("views/history.py", {}), ("views/ioc.py", {}), ("views/intake.py", {}), ("views/pillar.py", {}), ("views/budget.py", {})])
def test_probe(monkeypatch, shipped_data, tmp_path, page, params):
    data = plant(shipped_data, tmp_path / "d")
    monkeypatch.setenv("VLBOARD_DATA", str(data.root))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update(params)
    at.run()
    if page != "views/overview.py":
        at.switch_page(page)
        at.query_params.update(params)
        at.run()
    assert not at.exception, at.exception[0].message
    for t in _rendered(at):
        u = _unescaped(t)
        hits = [p for p in PAYLOADS if p in u]
        if hits:
            print("RAW", page, hits, repr(t[:200]))
