"""ipcity market reindex|close-auctions — the matching index of the technology market, and the
scheduled close of auctions past their end time (both idempotent).

Offers and needs enter and leave the index as they are published and taken down; the enterprises'
documents come from their patents, so run this after each registry import (a scheduled job).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from tqdm import tqdm

from ipcity.core.audit import Actor
from ipcity.market import auctions, matching, services
from ipcity.market.choices import AuctionStatus, MatchKind
from ipcity.market.models import Auction, Need, Offer


class Command(BaseCommand):
    help = "技术市场：重建匹配索引（技术供给、技术需求、有专利的企业）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser("reindex", help="按现有数据重建匹配索引（幂等）")
        reindex.add_argument(
            "--kind", action="append", choices=list(MatchKind.values), help="只重建这一类（可重复）"
        )
        reindex.add_argument("--dry-run", action="store_true", help="只统计将建立索引的条目数，不写入")
        close = sub.add_parser(
            "close-auctions", help="结束已到结束时间的专利竞价会并公布结果（幂等，供定时任务调用）"
        )
        close.add_argument("--dry-run", action="store_true", help="只列出将结束的竞价会")

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "close-auctions":
            self._close_auctions(bool(options["dry_run"]))
            return
        kinds = list(options["kind"] or MatchKind.values)  # type: ignore[call-overload]
        if options["dry_run"]:
            counts = {
                MatchKind.OFFER: Offer.objects.filter(status="published").count(),
                MatchKind.NEED: Need.objects.filter(status="published").count(),
                MatchKind.ORGANISATION: matching.indexed_organisations().count(),
            }
            for kind in kinds:
                self.stdout.write(f"{MatchKind(kind).label}：{counts[MatchKind(kind)]} 条")
            return
        bar = tqdm(total=0, unit="条", desc="建立匹配索引", disable=options.get("verbosity", 1) == 0)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        built = services.rebuild_match_index(
            actor=Actor.cli("market reindex"), kinds=kinds, progress=progress
        )
        bar.close()
        for kind, n in built.items():
            self.stdout.write(f"{MatchKind(kind).label}：{n} 条")

    def _close_auctions(self, dry_run: bool) -> None:
        if dry_run:
            due = Auction.objects.filter(status=AuctionStatus.PUBLISHED, ends_at__lte=timezone.now())
            for auction in due.order_by("pk"):
                self.stdout.write(f"将结束：{auction.number} {auction.title}")
            return
        for auction in auctions.close_due_auctions(actor=Actor.cli("market close-auctions")):
            sold = auction.lots.filter(status="sold").count()
            self.stdout.write(f"已结束：{auction.number} {auction.title}，成交 {sold} 个标的")
