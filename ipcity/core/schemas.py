"""JSON schemas of the reference data files in data/reference/."""

from typing import Any

DEPARTMENTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "source", "departments"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "source": {"type": "string", "minLength": 1},
        "departments": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "name", "full_name", "kind"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
                    "name": {"type": "string", "minLength": 1},
                    "full_name": {"type": "string", "minLength": 1},
                    "kind": {"enum": ["municipal", "district_bureaus", "functional_zone"]},
                    "is_lead_ip_authority": {"type": "boolean"},
                },
            },
        },
    },
}

REGIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "source", "city", "regions"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "source": {"type": "string", "minLength": 1},
        "city": {
            "type": "object",
            "required": ["code", "name"],
            "properties": {"code": {"type": "string", "pattern": "^[0-9]{6}$"}, "name": {"type": "string"}},
        },
        "regions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "name", "kind"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^([0-9]{6}|YT-[A-Z]+)$"},
                    "division_code": {"type": "string", "pattern": "^[0-9]{6}$"},
                    "name": {"type": "string", "minLength": 1},
                    "kind": {"enum": ["district", "county_city", "functional_zone"]},
                    "note": {"type": "string"},
                },
            },
        },
    },
}
