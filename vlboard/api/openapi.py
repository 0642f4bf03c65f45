"""The OpenAPI 3.1 description of the data API, served at ``/api/v1/openapi.json``: built from the
route table (vlboard.api.routes.ENDPOINTS) and the parameter texts below, so a route cannot be
served without being described (tests/app/test_api.py also checks it the other way round)."""

from __future__ import annotations

from vlboard.api.params import DEFAULT_LIMIT, MAX_LIMIT

PARAMETERS = {
    "plan": ("string", "Mã kế hoạch (plans.csv), ví dụ qd3100-2023-tpvl."),
    "pillar": ("string", "Trụ cột: chinh_quyen_so, kinh_te_so, xa_hoi_so, nen_tang."),
    "agency": ("string", "Mã cơ quan (agencies.csv hoặc tác nhân tập thể của kế hoạch)."),
    "unit": ("string", "Mã đơn vị hành chính (units.csv), ví dụ x2025-29551."),
    "period": (
        "string",
        "Kỳ có số liệu: năm (2025), quý (2025-Q3) hoặc tháng (2025-06). Mặc định: kỳ mặc định của trang.",
    ),
    "include_demo": ("boolean", "true: gồm số liệu minh họa (mỗi dòng có demo=true). Mặc định false."),
}
ERRORS = {
    "400": "Tham số sai: thông báo tiếng Việt nêu tên tham số.",
    "401": "Thiếu khóa API, khóa sai hoặc đã bị thu hồi.",
    "403": "Yêu cầu nằm ngoài phạm vi của khóa API.",
    "429": "Quá nhiều lần xác thực sai từ một địa chỉ (20 lần/phút).",
    "503": "Dữ liệu không đọc được, máy chủ bận hoặc truy vấn quá thời gian.",
}


def _param(name: str, kind: str, text: str) -> dict:
    schema: dict = {"type": kind}
    if kind == "boolean":
        schema = {"type": "string", "enum": ["true", "false"], "default": "false"}
    return {"name": name, "in": "query", "required": False, "description": text, "schema": schema}


def _paging() -> list[dict]:
    return [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": f"Số dòng mỗi trang, 1–{MAX_LIMIT}.",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        },
        {
            "name": "cursor",
            "in": "query",
            "required": False,
            "description": "Vị trí bắt đầu của trang (lấy từ page.next); mặc định 0.",
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        },
    ]


COMPONENTS = {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "Khóa API: vlb_…"}},
    "schemas": {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                }
            },
        },
        "Page": {
            "type": "object",
            "required": ["snapshot", "scope", "include_demo", "page", "data"],
            "properties": {
                "snapshot": {"type": "string", "description": "Mã bản dữ liệu hiện hành đã dùng."},
                "scope": {"type": "string", "description": "Phạm vi của khóa: all, plan:…, agency:…, unit:…"},
                "include_demo": {"type": "boolean"},
                "approval_workflow": {
                    "type": "boolean",
                    "description": (
                        "true: mỗi số liệu có approval = document (văn bản), demo (minh họa), hoặc với báo cáo: "
                        "approved (đã duyệt), submitted (chờ duyệt), returned (bị trả lại), draft (chưa nộp)."
                    ),
                },
                "period": {"type": ["string", "null"], "description": "Kỳ đã dùng (các đường dẫn theo kỳ)."},
                "page": {
                    "type": "object",
                    "properties": {
                        "limit": {"type": "integer"},
                        "cursor": {"type": "string"},
                        "returned": {"type": "integer"},
                        "total": {"type": "integer"},
                        "next": {"type": ["string", "null"], "description": "Đường dẫn tương đối của trang sau."},
                    },
                },
                "data": {"type": "array", "items": {"type": "object"}},
            },
        },
    },
}


def document(endpoints, prefix: str) -> dict:
    paths: dict = {}
    for ep in endpoints:
        responses = {
            "200": {
                "description": ep.summary,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}},
            }
        }
        for code, text in ERRORS.items():
            responses[code] = {
                "description": text,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        paths[prefix + ep.path] = {
            "get": {
                "summary": ep.summary,
                "operationId": ep.path.strip("/").replace("/", "_"),
                "description": f"Phạm vi khóa đọc được: all, {', '.join(ep.scopes)}.",
                "security": [{"bearer": []}],
                "parameters": [_param(n, *PARAMETERS[n]) for n in ep.filters] + _paging(),
                "responses": responses,
            }
        }
    paths[prefix + "/openapi.json"] = {
        "get": {
            "summary": "Mô tả OpenAPI 3.1 của API này",
            "operationId": "openapi",
            "security": [],
            "responses": {"200": {"description": "Tài liệu OpenAPI (JSON)", "content": {"application/json": {}}}},
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "vlboard: API dữ liệu chỉ đọc",
            "version": "1",
            "description": (
                "Chỉ tiêu, mục tiêu, số liệu (nguồn gốc, trạng thái duyệt), tình trạng và tình hình báo cáo theo kỳ "
                "của bảng điều hành chuyển đổi số tỉnh Vĩnh Long. Ngày theo ISO 8601; số là số JSON; văn bản NFC."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": COMPONENTS,
    }
