"""The reporting year must be a whole number: 2024.5 is refused, not truncated to 2024."""

from __future__ import annotations

from decimal import Decimal

import pytest

from carbonledger.accounting.errors import InputError
from carbonledger.accounting.submission import parse_submission_dict


def _doc(year: object) -> dict[str, object]:
    return {
        "enterprise": {"name": "E"},
        "period": {"year": year},
        "methodology": "cn-2013-cement@1",
        "facilities": [
            {
                "id": "f",
                "lines": [
                    {
                        "id": "grid",
                        "source": "purchased_electricity",
                        "quantity": {"value": Decimal(1), "unit": "MWh"},
                    }
                ],
            }
        ],
    }


@pytest.mark.parametrize("year", [Decimal("2024.5"), "2024.5", "twenty", "NaN"])
def test_a_year_that_is_not_a_whole_number_is_refused(year: object) -> None:
    with pytest.raises(InputError) as err:
        parse_submission_dict(_doc(year))
    [problem] = err.value.problems
    assert str(problem.location) == "$.period.year"
    assert problem.message == "year must be a whole number such as 2024"


@pytest.mark.parametrize("year", [Decimal(2024), Decimal("2024.0"), "2024"])
def test_a_whole_year_is_accepted(year: object) -> None:
    assert parse_submission_dict(_doc(year)).period.year == 2024
