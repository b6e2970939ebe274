"""JSON schema of a plan data file (data/plans/*.yaml). Cross-references are checked in services."""

from typing import Any

_CLAUSE_MAIN = r"^二\([一二三四五六七八九十]+\)[0-9]+$"
_TEXT = {"type": "string", "minLength": 1}
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_DECIMAL = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}

_TARGET: dict[str, Any] = {
    "type": "object",
    "required": ["code", "kind", "name", "quote"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
        "kind": {"enum": ["quantitative", "milestone"]},
        "name": _TEXT,
        "comparison": {"enum": [">=", "<=", "=", "range"]},
        "value": _DECIMAL,
        "min": _DECIMAL,
        "max": _DECIMAL,
        "unit": {"type": "string"},
        "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
        "period": {"enum": ["end", "annual", "total"]},
        "quote": _TEXT,
    },
    "allOf": [
        {
            "if": {"properties": {"kind": {"const": "quantitative"}}},
            "then": {"required": ["comparison", "unit", "period"]},
        },
        {
            "if": {"properties": {"comparison": {"const": "range"}}, "required": ["comparison"]},
            "then": {"required": ["min", "max"], "not": {"required": ["value"]}},
        },
        {
            "if": {"properties": {"comparison": {"enum": [">=", "<=", "="]}}, "required": ["comparison"]},
            "then": {"required": ["value"]},
        },
        {
            "if": {"properties": {"kind": {"const": "milestone"}}},
            "then": {"not": {"anyOf": [{"required": ["comparison"]}, {"required": ["value"]}]}},
        },
    ],
}

PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "plan", "goals", "programmes", "stages", "safeguards"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "plan": {
            "type": "object",
            "required": ["code", "title", "status", "period_start", "period_end", "guiding", "goals_intro"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                "title": _TEXT,
                "subtitle": {"type": "string"},
                "status": {"type": "string"},
                "period_start": _DATE,
                "period_end": _DATE,
                "preamble": {"type": "string"},
                "guiding": {
                    "type": "object",
                    "required": ["clause", "title", "text"],
                    "additionalProperties": False,
                    "properties": {"clause": _TEXT, "title": _TEXT, "text": _TEXT},
                },
                "goals_intro": {
                    "type": "object",
                    "required": ["clause", "title", "text"],
                    "additionalProperties": False,
                    "properties": {"clause": _TEXT, "title": _TEXT, "text": _TEXT},
                },
            },
        },
        "goals": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "clause", "title", "text", "targets"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^G[0-9]+$"},
                    "clause": {"type": "string", "pattern": r"^一\(二\)[0-9]+$"},
                    "title": _TEXT,
                    "text": _TEXT,
                    "targets": {"type": "array", "items": _TARGET},
                },
            },
        },
        "programmes": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "clause", "numeral", "title", "tasks", "sections"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^P[0-9]+$"},
                    "clause": {"type": "string", "pattern": r"^二\([一二三四五六七八九十]+\)$"},
                    "numeral": {"type": "string", "pattern": "^[一二三四五六七八九十]+$"},
                    "title": _TEXT,
                    "tasks": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["code", "clause", "title", "text"],
                            "additionalProperties": False,
                            "properties": {
                                "code": {"type": "string", "pattern": r"^T[0-9]+\.[0-9]+$"},
                                "clause": {"type": "string", "pattern": _CLAUSE_MAIN},
                                "title": _TEXT,
                                "text": _TEXT,
                                "targets": {"type": "array", "items": _TARGET},
                            },
                        },
                    },
                    "sections": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["code", "clause", "title", "rows"],
                            "additionalProperties": False,
                            "properties": {
                                "code": {"type": "string", "pattern": r"^P[0-9]+\.S[0-9]+$"},
                                "clause": {
                                    "type": "string",
                                    "pattern": r"^附件[一二三四五六七八九十]+\([一二三四五六七八九十]+\)$",
                                },
                                "title": _TEXT,
                                "rows": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["code", "clause", "text", "departments", "implements"],
                                        "additionalProperties": False,
                                        "properties": {
                                            "code": {
                                                "type": "string",
                                                "pattern": r"^P[0-9]+\.S[0-9]+(\.R[0-9]+)?$",
                                            },
                                            "clause": {
                                                "type": "string",
                                                "pattern": r"^附件[一二三四五六七八九十]+\([一二三四五六七八九十]+\)[0-9]*$",
                                            },
                                            "text": _TEXT,
                                            "departments": {
                                                "type": "array",
                                                "minItems": 1,
                                                "items": _TEXT,
                                                "uniqueItems": True,
                                            },
                                            "implements": {
                                                "type": "array",
                                                "items": {"type": "string", "pattern": _CLAUSE_MAIN},
                                                "uniqueItems": True,
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
        "stages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "clause", "name", "start", "end", "text"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^S[0-9]+$"},
                    "clause": {"type": "string", "pattern": r"^三\([一二三四五六七八九十]+\)$"},
                    "name": _TEXT,
                    "start": _DATE,
                    "end": _DATE,
                    "text": _TEXT,
                    "focus_rows": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
                },
            },
        },
        "safeguards": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "clause", "title", "text"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^SG[0-9]+$"},
                    "clause": {"type": "string", "pattern": r"^四\([一二三四五六七八九十]+\)$"},
                    "title": _TEXT,
                    "text": _TEXT,
                },
            },
        },
    },
}
