"""ipcity backup create [--out DIR] | verify FILE | restore FILE — see docs/backup.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ipcity.core.audit import Actor
from ipcity.core.backup import (
    MEDIA_PREFIX,
    VENDOR_NAMES,
    BackupError,
    create_backup,
    restore_backup,
    verify_archive,
)


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def default_backup_dir() -> Path:
    return Path(settings.IPCITY_BACKUP_DIR)


class Command(BaseCommand):
    help = "备份与恢复：数据库、上传的文件和清单打包为一个备份文件"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="创建备份文件（网站运行时也可以备份：数据库取一致的快照）")
        create.add_argument("--out", help="输出目录（默认 var/backups/）")
        verify = sub.add_parser("verify", help="检查备份文件是否完好，不读写数据库")
        verify.add_argument("file")
        restore = sub.add_parser("restore", help="恢复到一个空数据库，并核对各表行数与内容校验值")
        restore.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options)
            elif options["action"] == "verify":
                self._verify(Path(options["file"]))
            else:
                self._restore(Path(options["file"]))
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc

    def _summary(self, manifest: dict[str, Any]) -> None:
        tables = manifest["tables"]
        database = manifest["database"]
        media = [e for n, e in manifest["files"].items() if n.startswith(MEDIA_PREFIX)]
        self.stdout.write(
            f"  创建时间：{manifest['created_at']}，ipcity {manifest.get('ipcity_version', '未知')}，"
            f"Django {manifest.get('django_version', '未知')}"
        )
        self.stdout.write(
            f"  数据库：{VENDOR_NAMES[database['vendor']]} {database.get('server_version', '')}，"
            f"{len(tables)} 张表，{sum(t['rows'] for t in tables.values()):,} 行"
        )
        self.stdout.write(f"  上传文件：{len(media)} 个，共 {_size(sum(e['size'] for e in media))}")

    def _create(self, options: dict[str, Any]) -> None:
        out = Path(options["out"]) if options["out"] else default_backup_dir()
        result = create_backup(out, actor=Actor.cli("创建数据备份"), progress=True, say=self.stdout.write)
        self.stdout.write(f"备份已完成：{result.path}（{_size(result.path.stat().st_size)}）")
        self._summary(result.manifest)
        problems = result.manifest["attachments"]["problems"]
        if problems:
            self.stderr.write(
                f"注意：{len(problems)} 个附件在上传文件目录中缺失或内容与登记不符（备份前就已如此），"
                f"详见备份清单 manifest.json 的 attachments.problems。"
            )

    def _verify(self, path: Path) -> None:
        manifest = verify_archive(path, progress=True)
        self.stdout.write(f"备份文件完好：{path}（{len(manifest['files'])} 个文件均与清单的 SHA-256 一致）")
        self._summary(manifest)

    def _restore(self, path: Path) -> None:
        result = restore_backup(path, actor=Actor.cli("恢复数据备份"), progress=True, say=self.stdout.write)
        manifest = result.manifest
        self._summary(manifest)
        tables = len(manifest["tables"])
        if result.mismatches:
            self.stdout.write(f"核对：{tables} 张表中 {len(result.mismatches)} 张与备份清单不一致：")
            for line in result.mismatches:
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write(f"核对：{tables} 张表的行数与内容校验值均与备份清单一致。")
        opened = (
            result.attachments_checked - len(result.attachment_problems) - result.known_attachment_problems
        )
        self.stdout.write(
            f"附件：{result.attachments_checked} 个，其中 {opened} 个可以打开且与登记的 SHA-256 一致。"
        )
        for line in result.attachment_problems:
            self.stdout.write(f"  {line}")
        if result.known_attachment_problems:
            self.stdout.write(f"  另有 {result.known_attachment_problems} 个附件在备份时就已缺失或不符。")
        if result.unknown_migrations:
            self.stderr.write(
                f"注意：这个备份来自更新版本的 ipcity（数据库中有当前程序不认识的迁移 "
                f"{'、'.join(result.unknown_migrations[:3])}），请安装该版本后再运行。"
            )
        elif result.pending_migrations:
            self.stderr.write(
                f"注意：数据库结构比当前程序旧（{result.pending_migrations} 个迁移未应用）：请运行 ipcity migrate。"
            )
        if not result.audit_recorded:
            self.stderr.write("注意：未能写入恢复的审计记录（数据库结构可能需要先迁移）。")
        if not result.ok:
            raise CommandError(
                "恢复后的数据与备份清单不一致：请不要使用这个数据库，删除后重新恢复，或换一个备份。",
                returncode=1,
            )
        self.stdout.write("恢复完成。")
