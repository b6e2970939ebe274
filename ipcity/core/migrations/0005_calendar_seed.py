"""Seed the working-day calendar from the reviewed data file, so that an upgraded database computes
working-day deadlines at once (`ipcity reference load` does the same through core.services)."""

from django.conf import settings
from django.db import migrations


def seed_calendar(apps, schema_editor):
    from ipcity.lib.workdays import read_calendar_file

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    AuditEvent = apps.get_model("core", "AuditEvent")
    db = schema_editor.connection.alias
    path = settings.DATA_DIR / "calendar" / "cn-workdays.yaml"
    present = set(CalendarYear.objects.using(db).values_list("year", flat=True))
    for seed in read_calendar_file(path):
        info = seed.info
        if info.year in present:
            continue
        year = CalendarYear.objects.using(db).create(
            year=info.year,
            notice=info.notice,
            number=info.number,
            issuer=info.issuer,
            published=info.published,
            status=info.status,
            checked=info.checked,
            note=info.note,
        )
        CalendarDay.objects.using(db).bulk_create(
            CalendarDay(calendar_year=year, date=d.date, kind=d.kind, name=d.name) for d in seed.days
        )
        AuditEvent.objects.using(db).create(
            actor_label="数据库迁移",
            source="system",
            action="calendar_year.create",
            object_type="core.calendaryear",
            object_id=str(year.pk),
            object_repr=f"{info.year} 年节假日安排",
            after={"year": info.year, "notice": info.notice, "days": len(seed.days), "status": info.status},
            note=f"由 {path.name} 载入",
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0004_calendar")]

    operations = [
        migrations.RunPython(seed_calendar, migrations.RunPython.noop, hints={"model_name": "calendaryear"}),
    ]
