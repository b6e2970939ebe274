"""JSON schemas of the indicator data files."""

from typing import Any

DEFINITIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "indicators"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "indicators": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "name", "unit", "kind", "definition", "source"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "name": {"type": "string", "minLength": 1},
                    "unit": {"type": "string", "minLength": 1},
                    "kind": {"enum": ["computed", "reported", "survey"]},
                    "direction": {"enum": ["higher", "lower"]},
                    "function": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "target": {"type": "string"},
                    "decimals": {"type": "integer", "minimum": 0, "maximum": 6},
                    "definition": {"type": "string", "minLength": 1},
                    "source": {"type": "string", "minLength": 1},
                },
            },
        },
    },
}

POPULATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "values"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "values": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["region", "year", "kind", "date", "value", "source"],
                "additionalProperties": False,
                "properties": {
                    "region": {"type": "string"},
                    "year": {"type": "integer", "minimum": 1990, "maximum": 2100},
                    "kind": {"enum": ["year_end", "census"]},
                    "date": {"type": "string", "format": "date"},
                    "value": {"type": "integer", "minimum": 1},
                    "source": {"type": "string", "minLength": 1},
                },
            },
        },
        # Regions without a figure and why (功能区无常住人口统计), for each of the years listed.
        "gaps": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["region", "years", "reason"],
                "additionalProperties": False,
                "properties": {
                    "region": {"type": "string"},
                    "years": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "integer", "minimum": 1990, "maximum": 2100},
                    },
                    "reason": {"type": "string", "minLength": 1, "maxLength": 200},
                },
            },
        },
    },
}
