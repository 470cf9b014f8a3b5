from decimal import Decimal

from carbonledger.accounting.engine import calculate_dict


def nitric(parameters: dict[str, object]) -> Decimal:
    doc = {
        "enterprise": {"name": "硝酸厂", "region": "华东"},
        "period": {"year": 2023},
        "methodology": "cn-2013-chemicals@1",
        "facilities": [
            {
                "id": "hno3",
                "lines": [
                    {
                        "id": "n",
                        "source": "nitric_acid_n2o",
                        "technology": "high_pressure",
                        "quantity": {"value": "100000", "unit": "t"},
                        "parameters": parameters,
                    }
                ],
            }
        ],
    }
    return calculate_dict(doc).lines[0].emission


def test_declared_abatement_uses_the_nscr_default_removal_rate() -> None:
    # 100,000 t × 0.0139 tN2O/t = 1,390 tN2O without abatement;
    # NSCR ran 80% of the time with the default 85% removal: × (1 − 0.85 × 0.8) = × 0.32
    assert nitric({}) == Decimal("1390")
    assert nitric({"utilization": {"value": "80", "unit": "%"}}) == Decimal("444.8")
    # a measured removal rate wins over the default
    measured = {"utilization": "0.8", "removal_rate": "0.9"}
    assert nitric(measured) == Decimal("389.2")
