"""The read-only data API (``/api/v1/…``, JSON over HTTP): Starlette routes that serve.py mounts in
Streamlit's ``st.App`` beside the operator's routes, behind the same guard and proxy.

- ``tokens``: client tokens (only their sha256 stored, under data/), each with a scope;
- ``params``: every query parameter checked against the live snapshot's catalogue;
- ``frames``: what each route returns, taken from the same screen functions and named queries as
  the pages (vlboard.board.screens, vlboard/store/sql/api_*.sql);
- ``routes``: the endpoints (bearer token, scope, paging, JSON, bounded DuckDB time off the loop);
- ``openapi``: the OpenAPI 3.1 description served at ``/api/v1/openapi.json``.

No Streamlit here (.importlinter): the API runs as plain Starlette and is testable with its
TestClient.
"""
