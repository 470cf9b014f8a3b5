"""The operator's map of China: checked at start-up with errors that say what is wrong
where, and served at /api/v1/public/map/china with an ETag (404 problem without one)."""

from __future__ import annotations

import copy
import gzip
import json
import secrets
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from carbonledger.platform import geo
from carbonledger.platform.app import Platform, create_app
from carbonledger.platform.config import ConfigError, Settings

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "synthetic-province-squares.geojson"
CREDIT = "SYNTHETIC TEST DATA — not a map"
SQUARE = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]


def fixture() -> dict[str, Any]:
    return dict(json.loads(FIXTURE.read_text()))


def write(tmp_path: Path, doc: Any) -> Path:
    path = tmp_path / "map.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    return path


def error_of(tmp_path: Path, doc: Any) -> str:
    path = write(tmp_path, doc)
    with pytest.raises(ConfigError) as err:
        geo.load(path, CREDIT)
    message = str(err.value)
    prefix = f"CARBONLEDGER_CHINA_MAP={path}: "
    assert message.startswith(prefix), message
    return message.removeprefix(prefix)


def test_the_synthetic_fixture_loads_keyed_by_region_code() -> None:
    loaded = geo.load(FIXTURE, CREDIT)
    doc = json.loads(loaded.body)
    assert doc["type"] == "FeatureCollection" and doc["attribution"] == CREDIT
    props = [f["properties"] for f in doc["features"]]
    # the fixture names provinces by numeric and string adcode, Chinese and English name
    assert [p["region"] for p in props] == [p.code for p in geo.PROVINCES]
    assert props[0] == {
        "region": "CN-BJ",
        "adcode": "110000",
        "name": "北京市",
        "name_en": "Beijing",
    }
    assert props[3]["region"] == "CN-SX" and props[26]["region"] == "CN-SN"  # Shanxi ≠ Shaanxi
    assert doc["features"][20]["geometry"]["type"] == "MultiPolygon"
    assert gzip.decompress(loaded.gzipped) == loaded.body
    assert loaded.etag.startswith('"') and loaded.etag_gzip.endswith('-gz"')


def test_names_are_matched_in_their_usual_spellings() -> None:
    for name, code in [
        ("内蒙古", "CN-NM"),
        ("Inner Mongolia", "CN-NM"),
        ("nei mongol", "CN-NM"),
        ("Tibet", "CN-XZ"),
        ("西藏自治区", "CN-XZ"),
        ("Macau", "CN-MO"),
        ("HONG KONG", "CN-HK"),
        ("Shaanxi", "CN-SN"),
        ("Shanxi", "CN-SX"),
    ]:
        found = geo.BY_NAME.get(geo._key(name))
        assert found is not None and found.code == code, name
    assert geo.province_of("CN-11") is geo.BY_CODE["CN-BJ"]
    assert geo.province_of("CN-91") is geo.BY_CODE["CN-HK"]
    assert geo.province_of("CN-92") is geo.BY_CODE["CN-MO"]
    assert geo.province_of("US-CA") is None


def test_a_national_feature_is_kept_without_a_province() -> None:
    doc = fixture()
    line = {"type": "MultiPolygon", "coordinates": [SQUARE]}
    doc["features"].append(
        {"type": "Feature", "properties": {"adcode": "100000_JD", "adchar": "JD"}, "geometry": line}
    )
    collection, problems = geo.validate(doc, CREDIT)
    assert problems == []
    assert collection["features"][-1]["properties"] == {
        "region": "",
        "adcode": "100000_JD",
        "name": "",
        "name_en": "",
    }


def test_an_unreadable_or_non_json_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.geojson"
    with pytest.raises(ConfigError) as err:
        geo.load(missing, CREDIT)
    assert str(err.value) == (
        f"CARBONLEDGER_CHINA_MAP={missing}: cannot read the file (No such file or directory)"
    )
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection",\n "features": [}')
    with pytest.raises(ConfigError) as err:
        geo.load(bad, CREDIT)
    assert str(err.value) == (
        f"CARBONLEDGER_CHINA_MAP={bad}: is not GeoJSON (Expecting value at line 2 column 15)"
    )


def test_the_attribution_is_required_with_a_map() -> None:
    with pytest.raises(ConfigError) as err:
        geo.load(FIXTURE, "  ")
    assert str(err.value) == (
        "CARBONLEDGER_CHINA_MAP_ATTRIBUTION is not set: a map of China shown to users must "
        "carry its review number (审图号) and source, e.g. '审图号：GS(20xx)xxxx号 · 来源：…'; "
        "set it to the text the map's provider gives"
    )


def test_not_a_feature_collection(tmp_path: Path) -> None:
    assert error_of(tmp_path, [1, 2]) == "is not a GeoJSON FeatureCollection (it is a JSON array)"
    assert error_of(tmp_path, fixture()["features"][0]) == (
        "is not a GeoJSON FeatureCollection (its type is 'Feature')"
    )
    assert error_of(tmp_path, {"type": "FeatureCollection", "features": []}) == (
        "has no features: a FeatureCollection needs one feature per province"
    )


def test_a_feature_without_a_province_name_or_adcode(tmp_path: Path) -> None:
    doc = fixture()
    doc["features"][5]["properties"] = {"NAME_1": "Liaoning", "name": " "}
    assert error_of(tmp_path, doc) == (
        "features[5] has no province name or adcode: set the property adcode (e.g. 110000) "
        "or one of name, name_zh, name_en, fullname (e.g. 北京市 or Beijing)"
    )


def test_an_unknown_province_by_name_or_adcode(tmp_path: Path) -> None:
    doc = fixture()
    doc["features"][2]["properties"] = {"name": "Atlantis", "name_en": "Lost City"}
    assert error_of(tmp_path, doc) == (
        "features[2] (name='Atlantis', name_en='Lost City') is not a province the platform "
        "knows; name it by its adcode (GB/T 2260, e.g. 110000) or its Chinese or English "
        "name (北京市 or Beijing)"
    )
    doc = fixture()
    doc["features"][1]["properties"] = {"adcode": 130100, "name": "石家庄市"}
    assert error_of(tmp_path, doc) == (
        "features[1] has adcode '130100', which is not a provincial-level division's "
        "(GB/T 2260: 110000 Beijing … 820000 Macao); the map must have one feature per "
        "province, not cities or counties"
    )


def test_geometry_other_than_polygons(tmp_path: Path) -> None:
    doc = fixture()
    doc["features"][0]["geometry"] = {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}
    assert error_of(tmp_path, doc) == (
        "features[0] (北京市 Beijing (110000)) has geometry type 'LineString'; only Polygon "
        "and MultiPolygon are drawn"
    )
    doc["features"][0]["geometry"] = None
    assert error_of(tmp_path, doc) == (
        "features[0] (北京市 Beijing (110000)) has no geometry; only Polygon and "
        "MultiPolygon are drawn"
    )
    doc["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [[[0, 0], [1, "x"]]]}
    assert error_of(tmp_path, doc) == (
        "features[0] (北京市 Beijing (110000)) has Polygon coordinates that are not rings of "
        "at least 4 [longitude, latitude] positions"
    )
    doc["features"][0]["geometry"] = {"type": "MultiPolygon", "coordinates": SQUARE}
    assert "has MultiPolygon coordinates that are not rings" in error_of(tmp_path, doc)


def test_a_province_twice_and_a_missing_province(tmp_path: Path) -> None:
    doc = fixture()
    doc["features"].append(copy.deepcopy(doc["features"][0]))
    assert error_of(tmp_path, doc) == (
        "features[0] and features[34] are both 北京市 Beijing (110000); give each province "
        "one feature (a MultiPolygon for several parts)"
    )
    doc = fixture()
    # what open data sets without Taiwan and the South China Sea islands look like
    doc["features"] = [f for f in doc["features"] if f["properties"].get("name_en") != "Taiwan"]
    assert error_of(tmp_path, doc) == (
        "has no feature for 台湾省 Taiwan (710000): a map of China must show every "
        "provincial-level division"
    )


def test_several_problems_are_listed_together(tmp_path: Path) -> None:
    doc = fixture()
    doc["features"][0] = "nonsense"
    doc["features"][3]["geometry"] = {"type": "Point", "coordinates": [0, 0]}
    assert error_of(tmp_path, doc) == (
        "2 problems\n"
        "- features[0] is not a GeoJSON Feature\n"
        "- features[3] (山西省 Shanxi (140000)) has geometry type 'Point'; only Polygon and "
        "MultiPolygon are drawn"
    )
    doc = fixture()
    for f in doc["features"]:
        f["geometry"] = None
    message = error_of(tmp_path, doc)
    assert message.startswith("34 problems\n- features[0] ")
    assert message.count("\n- ") == geo.MAX_PROBLEMS + 1
    assert message.endswith("\n- … and 14 more")


def _client(tmp_path: Path, **settings: Any) -> TestClient:
    config = Settings(
        database_url=f"sqlite:///{tmp_path / 'platform.db'}",
        data_dir=tmp_path,
        master_key=secrets.token_bytes(32),
        jwt_secret=secrets.token_bytes(32),
        **settings,
    )
    return TestClient(create_app(Platform(config)))


def test_a_bad_map_stops_the_platform_from_starting(tmp_path: Path) -> None:
    doc = fixture()
    doc["features"].pop()
    path = write(tmp_path, doc)
    env = {
        "CARBONLEDGER_CHINA_MAP": str(path),
        "CARBONLEDGER_CHINA_MAP_ATTRIBUTION": CREDIT,
        "CARBONLEDGER_MASTER_KEY": "A" * 43 + "=",
        "CARBONLEDGER_JWT_SECRET": "A" * 43 + "=",
        "CARBONLEDGER_DATA_DIR": str(tmp_path),
    }
    settings = Settings.from_env(env)
    assert settings.china_map == path and settings.china_map_attribution == CREDIT
    with pytest.raises(ConfigError, match=r"has no feature for 澳门特别行政区 Macao \(820000\)"):
        Platform(settings)


def test_the_map_is_served_with_an_etag_and_304_when_current(tmp_path: Path) -> None:
    with _client(tmp_path, china_map=FIXTURE, china_map_attribution=CREDIT) as client:
        plain = client.get("/api/v1/public/map/china", headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200
        assert plain.headers["content-type"] == "application/json"
        assert "content-encoding" not in plain.headers
        assert plain.headers["cache-control"] == "public, max-age=3600"
        assert plain.headers["vary"] == "Accept-Encoding"
        doc = plain.json()
        assert doc["attribution"] == CREDIT and len(doc["features"]) == 34
        etag = plain.headers["etag"]
        assert etag == geo.load(FIXTURE, CREDIT).etag

        zipped = client.get("/api/v1/public/map/china", headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.json() == doc  # httpx decodes it
        assert zipped.headers["etag"] == etag[:-1] + '-gz"'

        for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
            again = client.get(
                "/api/v1/public/map/china",
                headers={"If-None-Match": header, "Accept-Encoding": "identity"},
            )
            assert again.status_code == 304, header
            assert again.content == b"" and again.headers["etag"] == etag
        stale = client.get(
            "/api/v1/public/map/china",
            headers={"If-None-Match": '"other"', "Accept-Encoding": "identity"},
        )
        assert stale.status_code == 200 and stale.json() == doc


def test_without_a_map_the_endpoint_is_a_404_problem(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        r = client.get("/api/v1/public/map/china")
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        assert problem["code"] == "china-map-not-configured"
        assert "CARBONLEDGER_CHINA_MAP" in problem["detail"]


@pytest.mark.parametrize("command", [["serve", "--dev"], ["run", "--check"]])
def test_the_commands_stop_on_a_bad_map_before_starting_anything(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from carbonledger.cli import app

    doc = fixture()
    doc["features"][0]["geometry"] = None
    path = write(tmp_path, doc)
    monkeypatch.setenv("CARBONLEDGER_CHINA_MAP", str(path))
    monkeypatch.setenv("CARBONLEDGER_CHINA_MAP_ATTRIBUTION", CREDIT)
    monkeypatch.setenv("CARBONLEDGER_DATA_DIR", str(tmp_path / "data"))
    options = ["--data-dir", str(tmp_path / "data")] if command[0] == "serve" else []
    options += ["--dir", str(tmp_path / "run")] if command[0] == "run" else []
    result = CliRunner().invoke(app, [*command, *options])
    assert result.exit_code == 2, result.output
    assert (
        f"CARBONLEDGER_CHINA_MAP={path}: features[0] (北京市 Beijing (110000)) has no geometry"
        in result.output
    )
    assert not (tmp_path / "run").exists()  # no chain was started
