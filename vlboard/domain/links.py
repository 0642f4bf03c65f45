"""Links between screens (pure): every indicator row, bar, cell and map unit opens its detail with
the current filters kept in the URL, so a copied link reopens the same view.

Links are relative to the app's root ("chi-tiet?code=…"): every page sits one level below it, so
they resolve the same under a reverse-proxy prefix (server.baseUrlPath) as at "/".
"""

from __future__ import annotations

from urllib.parse import urlencode

from vlboard.domain import filters

OVERVIEW, INDICATOR, AGENCIES, UNITS = "tong-quan", "chi-tiet", "co-quan", "phuong-xa"
PILLAR_PAGES = {"chinh_quyen_so": "chinh-quyen-so", "kinh_te_so": "kinh-te-so", "xa_hoi_so": "xa-hoi-so"}


def href(page: str, f: filters.Filters | None = None, **extra: str | None) -> str:
    """``page?filters&extra`` (``extra`` overrides the filters; a None value drops the key)."""
    params = dict(f.to_params()) if f is not None else {}
    for key, value in extra.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return f"{page}?{urlencode(params)}" if params else page


def indicator(code: str, f: filters.Filters | None = None) -> str:
    """The indicator's detail page, filters kept (the page judges it in the filter's period)."""
    return href(INDICATOR, f, code=code)


def agency(code: str, f: filters.Filters | None = None) -> str:
    return href(AGENCIES, f, agency=code)


def unit(code: str, f: filters.Filters | None = None) -> str:
    return href(UNITS, f, unit=code)


def period(page: str, code: str, f: filters.Filters | None = None) -> str:
    """The same page and filters in another period (the "latest period with data" offer)."""
    return href(page, f, period=code)
