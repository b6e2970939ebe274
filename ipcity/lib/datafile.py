"""Reading reviewed YAML data files against a JSON schema, with errors that name file, path and reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from yaml.constructor import ConstructorError, SafeConstructor


class DataFileError(ValueError):
    """A data file is unreadable or invalid. Nothing has been written when this is raised."""

    def __init__(self, file: str | Path, path: str, reason: str) -> None:
        self.file = str(file)
        self.path = path
        self.reason = reason
        super().__init__(f"{self.file}: {path or '(根)'}: {reason}")


def format_path(parts: list[Any] | tuple[Any, ...]) -> str:
    """['programmes', 0, 'sections', 2] -> 'programmes[0].sections[2]'."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _stringify_dates(value: Any) -> Any:
    # YAML turns 2022-01-01 into a date; the schemas describe dates as strings with a format.
    if isinstance(value, dict):
        return {k: _stringify_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify_dates(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _Loader(yaml.SafeLoader):
    """yaml.SafeLoader that reports a value it cannot build as a YAML error at the value's line:
    an impossible date (2024-02-30), an integer longer than Python converts from text (4,300
    digits), a number that is not finite (.nan, .inf, 1.0e+400). Plain safe_load raises a bare
    ValueError for the first two and returns the last, which JSON columns then refuse."""


def _checked(construct: Callable[[SafeConstructor, Any], Any], problem: str) -> Callable[..., Any]:
    def checked(loader: SafeConstructor, node: Any) -> Any:
        try:
            value = construct(loader, node)
        except ValueError as exc:
            raise _unreadable(problem, node) from exc
        if isinstance(value, float) and not math.isfinite(value):
            raise _unreadable(problem, node)
        return value

    return checked


def _unreadable(problem: str, node: Any) -> ConstructorError:
    return ConstructorError(None, None, f"{problem}：{str(node.value)[:40]}", node.start_mark)


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", _checked(SafeConstructor.construct_yaml_timestamp, "无效的日期")
)
_Loader.add_constructor("tag:yaml.org,2002:int", _checked(SafeConstructor.construct_yaml_int, "整数位数过多"))
_Loader.add_constructor(
    "tag:yaml.org,2002:float", _checked(SafeConstructor.construct_yaml_float, "不是有限的数")
)


def parse_yaml(text: str, *, file: str | Path) -> Any:
    """Parse YAML text (a data file, or rules typed into the web UI). Anything that cannot be read
    is a DataFileError naming the line and column where it can, never another exception."""
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except ConstructorError as exc:
        mark = exc.problem_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        raise DataFileError(file, where, str(exc.problem)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataFileError(file, where, f"YAML 语法错误：{problem}") from exc
    except RecursionError as exc:  # the parser recurses once per level of [ or {
        raise DataFileError(file, "", "嵌套层级过深，无法解析") from exc


def read_yaml(path: str | Path) -> tuple[Any, str]:
    """Parse a YAML file; return (data, sha256 of the bytes)."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise DataFileError(file, "", f"无法读取文件：{exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(file, "", "文件不是 UTF-8 编码") from exc
    return _stringify_dates(parse_yaml(text, file=file)), hashlib.sha256(raw).hexdigest()


def validate(data: Any, schema: dict[str, Any], *, file: str | Path) -> None:
    """Validate against a JSON schema; raise DataFileError for the first (deepest-path) error."""
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.message))
    if errors:
        err = jsonschema.exceptions.best_match(errors) or errors[0]
        raise DataFileError(file, format_path(list(err.absolute_path)), _describe(err))


def _describe(err: jsonschema.ValidationError) -> str:
    if err.validator == "required":
        return f"缺少必填字段（{err.message}）"
    if err.validator == "additionalProperties":
        return f"含有未定义的字段（{err.message}）"
    if err.validator == "type":
        return f"类型不符，应为 {err.validator_value}（{err.message}）"
    if err.validator == "enum":
        return f"取值不在允许范围 {err.validator_value} 内"
    if err.validator == "pattern":
        return f"格式不符，应匹配 {err.validator_value}：{err.instance!r}"
    if err.validator == "format":
        return f"格式不符（{err.validator_value}）：{err.instance!r}"
    if err.validator == "minItems":
        return "列表不能为空"
    if err.validator == "maximum":
        return f"不能大于 {err.validator_value}"
    if err.validator == "minimum":
        return f"不能小于 {err.validator_value}"
    return err.message


def load_data_file(path: str | Path, schema: dict[str, Any]) -> tuple[Any, str]:
    data, checksum = read_yaml(path)
    validate(data, schema, file=path)
    return data, checksum
