"""The patent facts' `valid_until` now also ends with the statutory term (专利法 第四十二条,
registry.terms): queue every patent that has facts, so the next refresh rebuilds them by the new rule."""

from django.db import migrations
from django.db.models import Max, Min


def queue_all(apps, schema_editor):
    PatentFact = apps.get_model("indicators", "PatentFact")
    PatentFactQueue = apps.get_model("indicators", "PatentFactQueue")
    bounds = PatentFact.objects.aggregate(first=Min("patent_id"), last=Max("patent_id"))
    if bounds["first"] is not None:
        PatentFactQueue.objects.create(first_id=bounds["first"], last_id=bounds["last"])


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_population_gap"),
        ("registry", "0006_patent_term_extensions"),
    ]

    operations = [migrations.RunPython(queue_all, migrations.RunPython.noop)]
