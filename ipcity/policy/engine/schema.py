"""JSON schemas of the catalog files (data/policy/catalog.yaml, items/*.yaml, series/*.yaml).

Field meanings: docs/policy.md. Cross-checks that a schema cannot express (facts a rule names exist,
clauses are listed, every level has an amount, …) are in catalog.py.
"""

from __future__ import annotations

from typing import Any

SHAPES = {
    "fixed": "定额",
    "fixed_by_level": "按等级定额",
    "rate_with_cap": "按比例计算、设上限",
    "per_piece": "按件计算",
    "actual_cost": "按实际费用、设上限",
    "interest_subsidy": "贷款贴息",
    "decided": "择优评审或审定金额、设上限",
}
FACT_TYPES = ("bool", "money", "money_list", "int", "rate", "date", "choice", "text")
# Kinds of registered organisation (registry Organisation.kind; a grants test keeps the two equal).
# The engine has no Django: the codes are repeated here so a catalog file is checked on its own.
ORGANISATION_KINDS = (
    "enterprise",
    "university",
    "research_institute",
    "service_agency",
    "financial_institution",
    "individual",
    "other",
)

_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_TEXT = {"type": "string", "minLength": 1}
_SOURCE = {
    "type": "object",
    "required": ["doc", "clause", "checked"],
    "additionalProperties": False,
    "properties": {
        "doc": _TEXT,
        "clause": _TEXT,
        "checked": _DATE,
        "status": {"enum": ["verified", "unverified", "decision"]},
        "quote": _TEXT,
        "note": _TEXT,
    },
}
_VALUE = {
    "type": "object",
    "required": ["from", "source"],
    "additionalProperties": False,
    "properties": {
        "from": _DATE,
        "value": {"type": ["string", "null"], "pattern": r"^\d+(\.\d+)?$"},
        "to_be_set": {"const": True},
        "source": _SOURCE,
    },
}
_VALUES = {"type": "array", "minItems": 1, "items": _VALUE}
_PARAM = {
    "oneOf": [
        _VALUES,
        {
            "type": "object",
            "required": ["values"],
            "additionalProperties": False,
            "properties": {"label": _TEXT, "values": _VALUES},
        },
    ]
}
# A named material of the guide: a plain name is a file the applicant uploads; a mapping names who
# else provides it (catalog.Material).
_MATERIAL = {
    "oneOf": [
        _TEXT,
        {
            "type": "object",
            "required": ["name", "by"],
            "additionalProperties": False,
            "properties": {"name": _TEXT, "by": {"enum": ["platform", "payee_account"]}, "note": _TEXT},
        },
    ]
}
_CONDITION = {
    "type": "object",
    "required": ["fact", "message"],
    "additionalProperties": False,
    "minProperties": 3,
    "properties": {
        "fact": _TEXT,
        "equals": {"type": ["boolean", "string", "integer"]},
        "in": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "at_least": {"type": ["string", "integer"]},
        "at_most": {"type": ["string", "integer"]},
        "message": _TEXT,
        "clause": {"type": ["string", "null"]},
        "quote": _TEXT,
    },
}
_FACT = {
    "type": "object",
    "required": ["type", "label"],
    "additionalProperties": False,
    "properties": {
        "type": {"enum": list(FACT_TYPES)},
        "label": _TEXT,
        "required": {"type": "boolean"},
        "choices": {"type": "object", "minProperties": 1, "additionalProperties": _TEXT},
        "default": {},
        "help": _TEXT,
    },
}
_CLAUSE = {
    "type": "object",
    "required": ["ref", "quote"],
    "additionalProperties": False,
    "properties": {
        "ref": {"type": "string", "pattern": r"^(附件)?[一二三四五六七]\([一二三四五六七八九十]+\)\d*$"},
        "quote": _TEXT,
    },
}

CATALOG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "schema_version",
        "title",
        "plan_period",
        "documents",
        "tracks",
        "beneficiary_kinds",
        "common_facts",
        "common_conditions",
        "guide_defaults",
        "items",
    ],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "title": _TEXT,
        "plan_period": {
            "type": "object",
            "required": ["from", "to"],
            "additionalProperties": False,
            "properties": {"from": _DATE, "to": _DATE},
        },
        "documents": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["title", "number", "issuer"],
                "additionalProperties": False,
                "properties": {
                    "title": _TEXT,
                    "number": {"type": ["string", "null"]},
                    "issuer": _TEXT,
                    "note": _TEXT,
                },
            },
        },
        "tracks": {
            "type": "object",
            "required": ["exempt", "fast", "merit"],
            "additionalProperties": False,
            "patternProperties": {},
            "properties": {
                key: {
                    "type": "object",
                    "required": ["label", "description", "time_limit"],
                    "additionalProperties": False,
                    "properties": {
                        "label": _TEXT,
                        "description": _TEXT,
                        "time_limit": _TEXT,
                        "sla_working_days": {"type": "integer", "minimum": 1},
                        "source": _SOURCE,
                    },
                }
                for key in ("exempt", "fast", "merit")
            },
        },
        "beneficiary_kinds": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["label", "organisations"],
                "additionalProperties": False,
                "properties": {
                    "label": _TEXT,
                    "organisations": {
                        "type": "array",
                        "minItems": 1,
                        "uniqueItems": True,
                        "items": {"enum": list(ORGANISATION_KINDS)},
                    },
                    "note": _TEXT,
                },
            },
        },
        "common_facts": {"type": "object", "additionalProperties": _FACT},
        "common_conditions": {"type": "array", "items": _CONDITION},
        "guide_defaults": {
            "type": "object",
            "required": ["address", "phone"],
            "additionalProperties": False,
            "properties": {"address": _TEXT, "phone": _TEXT},
        },
        "items": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"},
        },
    },
}

ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "code",
        "name",
        "beneficiary",
        "beneficiary_kinds",
        "beneficiary_basis",
        "track",
        "decisive_date",
        "clauses",
        "applies",
        "rules",
        "guide",
        "materials",
    ],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"},
        "name": _TEXT,
        "beneficiary": _TEXT,
        "beneficiary_kinds": {"type": "array", "minItems": 1, "items": _TEXT},
        "beneficiary_basis": {
            "type": "object",
            "required": ["clause", "quote"],
            "additionalProperties": False,
            "properties": {"clause": _TEXT, "quote": _TEXT, "reading": _TEXT},
        },
        "track": {"enum": ["exempt", "fast", "merit"]},
        "decisive_date": _TEXT,
        "clauses": {"type": "array", "minItems": 1, "items": _CLAUSE},
        "applies": {
            "type": "object",
            "required": ["clause", "reason"],
            "additionalProperties": False,
            "properties": {"clause": _TEXT, "reason": _TEXT},
        },
        "facts": {"type": "object", "additionalProperties": _FACT},
        "conditions": {"type": "array", "items": _CONDITION},
        "rules": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "label", "clause", "shape", "parameters"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"},
                    "label": _TEXT,
                    "clause": _TEXT,
                    "shape": {"enum": list(SHAPES)},
                    "when": {"type": "array", "items": _CONDITION},
                    "decided_by": {"enum": ["expert_review", "office"]},
                    "up_to": {"type": "boolean"},
                    "level_fact": _TEXT,
                    "base_fact": _TEXT,
                    "count_fact": _TEXT,
                    "cost_fact": _TEXT,
                    "base_rate": {
                        "type": "object",
                        "required": ["series", "read", "label"],
                        "additionalProperties": False,
                        "properties": {
                            "series": _TEXT,
                            "read": {"enum": ["end_of_previous_month", "on_date"]},
                            "label": _TEXT,
                        },
                    },
                    "parameters": {"type": "object", "additionalProperties": _PARAM},
                },
            },
        },
        "limits": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "beneficiary_annual_cap": _PARAM,
                "quota": {
                    "type": "object",
                    "required": ["period", "values"],
                    "additionalProperties": False,
                    "properties": {"period": {"enum": ["year", "plan"]}, "label": _TEXT, "values": _VALUES},
                },
                "once_per_beneficiary": {"type": "boolean"},
            },
        },
        "guide": {
            "type": "object",
            "required": ["beneficiaries", "requirements", "time_limit"],
            "additionalProperties": False,
            "properties": {
                "beneficiaries": _TEXT,
                "requirements": _TEXT,
                "time_limit": _TEXT,
                "address": _TEXT,
                "phone": _TEXT,
            },
        },
        "materials": {"type": "array", "items": _MATERIAL},
        "notes": {"type": "array", "items": _TEXT},
    },
}

SERIES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "code", "label", "kind", "entered_until", "values"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "code": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"},
        "label": _TEXT,
        "kind": {"enum": ["rate"]},
        "entered_until": _DATE,
        "note": _TEXT,
        "documents": CATALOG_SCHEMA["properties"]["documents"],
        "values": _VALUES,
    },
}
