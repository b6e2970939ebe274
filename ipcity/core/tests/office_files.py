"""Small office files built in the tests: a compound file (the container of Word/Excel 97–2003 and
classic WPS files) with the streams named, an Office Open XML package, an OFD package. Tests of the
grants materials use them too. A real Excel 97–2003 workbook saved by LibreOffice Calc (from a
two-line table written for these tests) is in files/workbook-97.xls."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path

FILES = Path(__file__).parent / "files"
SECTOR = 512
FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STREAM, STORAGE, ROOT = 2, 1, 5

# A storage is (name, [children]); a stream is its name (empty: the tests read no stream data).
Entry = str | tuple[str, Sequence["Entry"]]


def _entry(name: str, kind: int, *, right: int = NO_STREAM, child: int = NO_STREAM) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    out = bytearray(128)
    out[: len(encoded)] = encoded
    struct.pack_into("<HBB", out, 0x40, len(encoded), kind, 1)
    struct.pack_into("<III", out, 0x44, NO_STREAM, right, child)
    struct.pack_into("<IQ", out, 0x74, END_OF_CHAIN, 0)
    return bytes(out)


def _entries(children: Sequence[Entry], first: int) -> list[bytes]:
    """The entries of `children` from index `first` on: siblings chained to the right, a storage's
    own children after it."""
    out: list[bytes] = []
    for position, child in enumerate(children):
        index = first + len(out)
        nested = child[1] if isinstance(child, tuple) else []
        below = _entries(nested, index + 1)
        last = position == len(children) - 1
        right = NO_STREAM if last else index + 1 + len(below)
        if isinstance(child, tuple):
            out.append(_entry(child[0], STORAGE, right=right, child=index + 1 if nested else NO_STREAM))
        else:
            out.append(_entry(child, STREAM, right=right))
        out += below
    return out


def compound_file(children: Sequence[Entry]) -> bytes:
    """A compound file whose root holds `children`: header, one FAT sector, the directory."""
    entries = [_entry("Root Entry", ROOT, child=1 if children else NO_STREAM), *_entries(children, 1)]
    while len(entries) % (SECTOR // 128):
        unused = bytearray(128)
        struct.pack_into("<III", unused, 0x44, NO_STREAM, NO_STREAM, NO_STREAM)
        entries.append(bytes(unused))
    directory_sectors = len(entries) * 128 // SECTOR
    fat = [FAT_SECTOR] + [i + 2 for i in range(directory_sectors - 1)] + [END_OF_CHAIN]
    fat += [FREE] * (SECTOR // 4 - len(fat))
    header = bytearray(SECTOR)
    header[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, 1, 1, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
    struct.pack_into("<I", header, 0x4C, 0)  # the FAT is sector 0
    for i in range(1, 109):
        struct.pack_into("<I", header, 0x4C + 4 * i, FREE)
    return bytes(header) + struct.pack(f"<{len(fat)}I", *fat) + b"".join(entries)


def word_97() -> bytes:
    """The streams a Word 97–2003 document (and a classic WPS 文字 file) has at its root."""
    return compound_file(["WordDocument", "1Table", "\x05SummaryInformation", "\x01CompObj"])


def excel_97() -> bytes:
    return (FILES / "workbook-97.xls").read_bytes()


def powerpoint_97() -> bytes:
    return compound_file(["PowerPoint Document", "Current User", "\x05SummaryInformation"])


def package(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx() -> bytes:
    return package({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def xlsx() -> bytes:
    return package({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def ofd() -> bytes:
    """An OFD package: OFD.xml at the root pointing at the document (GB/T 33190)."""
    return package(
        {
            "OFD.xml": b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" '
            b'Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
            b"</ofd:DocBody></ofd:OFD>",
            "Doc_0/Document.xml": b"<ofd:Document/>",
        }
    )
