"""The kinds of attachment offices use: Word/Excel 97–2003, WPS 文字/表格 (classic and Office Open
XML), OFD — each known by its content, with the name's extension agreeing."""

from __future__ import annotations

import struct

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ipcity.core.attachments import check_upload, ole_root_streams, store_attachment
from ipcity.core.audit import Actor
from ipcity.core.models import Attachment
from ipcity.core.tests import office_files as files
from ipcity.test import Personas

PDF = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n"


def kind(name: str, data: bytes) -> str:
    return check_upload(SimpleUploadedFile(name, data))


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as err:
        kind(name, data)
    return "；".join(err.value.messages)


def test_word_and_excel_97_are_told_apart_by_their_streams() -> None:
    assert kind("认证合同.doc", files.word_97()) == "doc"
    assert kind("材料清单.xls", files.excel_97()) == "xls"  # saved by LibreOffice Calc
    assert files.excel_97().startswith(bytes.fromhex("D0CF11E0A1B11AE1"))
    message = refusal("材料清单.doc", files.excel_97())
    assert "“材料清单.doc”的文件内容是Excel 97–2003 工作簿，与文件扩展名不符" in message
    assert ".xls、.et" in message


def test_wps_files_are_accepted_in_the_classic_and_the_open_xml_format() -> None:
    assert kind("报告.wps", files.word_97()) == "wps"
    assert kind("报告.WPS", files.docx()) == "wps"
    assert kind("台账.et", files.excel_97()) == "et"
    assert kind("台账.et", files.xlsx()) == "et"
    assert "请使用扩展名 .doc、.wps" in refusal("台账.et", files.word_97())


def test_ofd_is_a_package_with_ofd_xml_at_its_root() -> None:
    assert kind("发票.ofd", files.ofd()) == "ofd"
    not_ofd = files.package({"Doc_0/OFD.xml": b"<ofd:OFD/>"})
    assert "不是允许的类型" in refusal("发票.ofd", not_ofd)
    assert "扩展名不符" in refusal("发票.pdf", files.ofd())


def test_other_compound_files_and_broken_ones_are_refused() -> None:
    assert "不是允许的类型" in refusal("演示.doc", files.powerpoint_97())
    header_only = files.word_97()[:512]
    assert "不是允许的类型" in refusal("截断.doc", header_only)
    # A directory chain that loops back on itself is read once, not forever.
    looping = bytearray(files.word_97())
    struct.pack_into("<I", looping, 512 + 4, 1)  # FAT entry of sector 1 (the directory) -> 1
    assert ole_root_streams(SimpleUploadedFile("x.doc", bytes(looping))) is None
    assert "不是允许的类型" in refusal("循环.doc", bytes(looping))


def test_only_the_root_streams_count() -> None:
    """An Excel workbook with a Word document embedded in a storage is a workbook."""
    workbook_with_object = files.compound_file(["Workbook", ("MBD0001", ["WordDocument", "1Table"])])
    assert kind("汇总.xls", workbook_with_object) == "xls"
    directory_in_two_sectors = files.compound_file([f"Stream{i}" for i in range(6)] + ["WordDocument"])
    assert kind("长目录.doc", directory_in_two_sectors) == "doc"


def test_the_name_must_agree_with_the_content_for_every_kind() -> None:
    assert kind("照片.jpeg", b"\xff\xd8\xff\xe0 jpeg") == "jpg"
    assert kind("照片.JPG", b"\xff\xd8\xff\xe0 jpeg") == "jpg"
    assert "请使用扩展名 .pdf" in refusal("说明.docx", PDF)
    assert "请使用扩展名 .pdf" in refusal("说明", PDF)
    message = refusal("伪装.pdf", b"MZ\x90\x00 executable")
    assert "WPS 文字（.wps）" in message and "OFD 版式文件（.ofd）" in message


@pytest.mark.django_db
def test_stored_with_its_kind_and_the_content_type_of_its_bytes(personas: Personas) -> None:
    actor = Actor.web(personas.enterprise_a)
    stored = store_attachment(SimpleUploadedFile("报告.wps", files.word_97()), actor=actor)
    assert (stored.kind, stored.content_type) == ("wps", "application/msword")
    ofd = store_attachment(SimpleUploadedFile("发票.ofd", files.ofd()), actor=actor)
    assert (ofd.kind, ofd.content_type) == ("ofd", "application/ofd")
    with pytest.raises(ValidationError):
        store_attachment(SimpleUploadedFile("报告.et", files.word_97()), actor=actor, allowed={"doc", "et"})
    assert Attachment.objects.count() == 2
