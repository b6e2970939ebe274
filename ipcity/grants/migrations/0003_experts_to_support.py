"""The expert pool moves to support (support.Expert, docs/support.md): every grants.Expert becomes a
support.Expert with the same id, so the assignments keep pointing at the same people; then the
assignments' foreign key is switched over and grants.Expert is dropped."""

import django.db.models.deletion
from django.db import migrations, models


def copy_experts(apps, schema_editor):
    old = apps.get_model("grants", "Expert")
    new = apps.get_model("support", "Expert")
    rows = [
        new(
            id=e.id,
            name=e.name,
            employer_name=e.affiliation,
            employer_id=e.organisation_id,
            speciality=e.speciality,
            # The old record had no field: "其他" until the city office sets it in the pool.
            field="other",
            user_id=e.user_id,
            active=e.active,
            is_demo=e.is_demo,
            note="由原评审专家记录迁入，专业领域待补充" if not e.is_demo else "",
        )
        for e in old.objects.all()
    ]
    new.objects.bulk_create(rows)
    if rows:  # explicit ids: move PostgreSQL's sequence past them
        connection = schema_editor.connection
        for sql in connection.ops.sequence_reset_sql(no_style(), [new]):
            schema_editor.execute(sql)


def copy_back(apps, schema_editor):
    old = apps.get_model("grants", "Expert")
    new = apps.get_model("support", "Expert")
    old.objects.bulk_create(
        old(
            id=e.id,
            name=e.name,
            affiliation=e.employer_name,
            organisation_id=e.employer_id,
            speciality=e.speciality,
            user_id=e.user_id,
            active=e.active,
            is_demo=e.is_demo,
        )
        for e in new.objects.all()
    )


def no_style():
    from django.core.management.color import no_style as style

    return style()


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0002_payment_payee_account"),
        ("support", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_experts, copy_back),
        migrations.AlterField(
            model_name="expertassignment",
            name="expert",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="assignments", to="support.expert"
            ),
        ),
        migrations.AddField(
            model_name="expertassignment",
            name="pick",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assignment",
                to="support.expertdrawpick",
                verbose_name="抽取记录",
            ),
        ),
        migrations.DeleteModel(
            name="Expert",
        ),
    ]
