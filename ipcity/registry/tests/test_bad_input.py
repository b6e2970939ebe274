"""Bad input on the registry lists is a Chinese form error or a 404, never a server error."""

from __future__ import annotations

import pytest

from ipcity.lib.inputs import ID_MAX


@pytest.mark.django_db
@pytest.mark.parametrize("value", [str(ID_MAX + 1), "9" * 30, "0", "abc"])
def test_an_organisation_id_beyond_64_bits_in_the_patent_filter_is_refused(personas, value) -> None:
    response = personas.client(personas.admin).get("/registry/patents/", {"organisation": value})
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"] == ["单位编号无效。"]


@pytest.mark.django_db
def test_an_organisation_id_at_the_limit_is_an_empty_list(personas) -> None:
    response = personas.client(personas.admin).get("/registry/patents/", {"organisation": str(ID_MAX)})
    assert response.status_code == 200 and response.context["form"].is_valid()
