"""Bad input on the indicator data-entry page is a Chinese form error naming the field."""

from __future__ import annotations

import pytest

from ipcity.core.models import AuditEvent
from ipcity.indicators.models import Population


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["9" * 20, "2147483648"], ids=["20 digits", "just over a database integer"])
def test_a_population_beyond_its_column_is_a_form_error(personas, value) -> None:
    client = personas.client(personas.admin)
    events = AuditEvent.objects.count()
    response = client.post(
        "/indicators/data/",
        {
            "kind": "population",
            "population-year": 2024,
            "population-value": value,
            "population-source": "统计公报",
        },
    )
    assert response.status_code == 200
    assert "年末常住人口（人）不能大于 2147483647 人" in response.content.decode()
    assert not Population.objects.exists() and AuditEvent.objects.count() == events


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["9" * 5000, "²", "9" * 30, "abc"], ids=["5000 digits", "superscript", "30", "abc"]
)
def test_a_snapshot_id_that_is_not_an_id_is_a_404(personas, indicators, value) -> None:
    response = personas.client(personas.admin).get(
        "/indicators/hv_invention_patents_per_10k/records/", {"snapshot": value}
    )
    assert response.status_code == 404
