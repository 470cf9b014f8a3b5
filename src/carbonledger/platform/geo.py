"""China's provincial-level divisions and the province map the operator supplies.

The platform stores an enterprise's region as its ISO 3166-2:CN code (``CN-BJ``). A map of
China shown to the public must be a reviewed standard map (地图管理条例, 审图号), so none is
bundled: the operator names a GeoJSON FeatureCollection with ``CARBONLEDGER_CHINA_MAP``
and its review number and source with ``CARBONLEDGER_CHINA_MAP_ATTRIBUTION``. The file is
checked once at start-up — every feature must be one province, found by its adcode
(GB/T 2260, e.g. ``110000``) or its Chinese or English name, drawn as (Multi)Polygon, and
every province must be there — and served re-keyed by the platform's region codes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbonledger.platform.config import ENV_PREFIX, ConfigError


@dataclass(frozen=True)
class Province:
    #: ISO 3166-2:CN (since 2017), what the platform stores
    code: str
    #: GB/T 2260 administrative division code
    adcode: str
    name_zh: str
    name_en: str
    #: other names a data set may use (short Chinese names, romanisations)
    aliases: tuple[str, ...] = ()

    @property
    def old_code(self) -> str:
        """The ISO 3166-2:CN code before 2017 (``CN-11``), still found in older data."""
        return {"CN-HK": "CN-91", "CN-MO": "CN-92"}.get(self.code, f"CN-{self.adcode[:2]}")

    def label(self) -> str:
        return f"{self.name_zh} {self.name_en} ({self.adcode})"


def _p(code: str, adcode: str, zh: str, en: str, *aliases: str) -> Province:
    return Province(f"CN-{code}", adcode, zh, en, aliases)


#: the 34 provincial-level divisions, in GB/T 2260 order
PROVINCES: tuple[Province, ...] = (
    _p("BJ", "110000", "北京市", "Beijing", "北京"),
    _p("TJ", "120000", "天津市", "Tianjin", "天津"),
    _p("HE", "130000", "河北省", "Hebei", "河北"),
    _p("SX", "140000", "山西省", "Shanxi", "山西"),
    _p("NM", "150000", "内蒙古自治区", "Inner Mongolia", "内蒙古", "Nei Mongol", "Nei Menggu"),
    _p("LN", "210000", "辽宁省", "Liaoning", "辽宁"),
    _p("JL", "220000", "吉林省", "Jilin", "吉林"),
    _p("HL", "230000", "黑龙江省", "Heilongjiang", "黑龙江"),
    _p("SH", "310000", "上海市", "Shanghai", "上海"),
    _p("JS", "320000", "江苏省", "Jiangsu", "江苏"),
    _p("ZJ", "330000", "浙江省", "Zhejiang", "浙江"),
    _p("AH", "340000", "安徽省", "Anhui", "安徽"),
    _p("FJ", "350000", "福建省", "Fujian", "福建"),
    _p("JX", "360000", "江西省", "Jiangxi", "江西"),
    _p("SD", "370000", "山东省", "Shandong", "山东"),
    _p("HA", "410000", "河南省", "Henan", "河南"),
    _p("HB", "420000", "湖北省", "Hubei", "湖北"),
    _p("HN", "430000", "湖南省", "Hunan", "湖南"),
    _p("GD", "440000", "广东省", "Guangdong", "广东"),
    _p("GX", "450000", "广西壮族自治区", "Guangxi", "广西", "Guangxi Zhuang"),
    _p("HI", "460000", "海南省", "Hainan", "海南"),
    _p("CQ", "500000", "重庆市", "Chongqing", "重庆"),
    _p("SC", "510000", "四川省", "Sichuan", "四川"),
    _p("GZ", "520000", "贵州省", "Guizhou", "贵州"),
    _p("YN", "530000", "云南省", "Yunnan", "云南"),
    _p("XZ", "540000", "西藏自治区", "Xizang", "西藏", "Tibet"),
    _p("SN", "610000", "陕西省", "Shaanxi", "陕西"),
    _p("GS", "620000", "甘肃省", "Gansu", "甘肃"),
    _p("QH", "630000", "青海省", "Qinghai", "青海"),
    _p("NX", "640000", "宁夏回族自治区", "Ningxia", "宁夏", "Ningxia Hui"),
    _p("XJ", "650000", "新疆维吾尔自治区", "Xinjiang", "新疆", "Xinjiang Uygur"),
    _p("TW", "710000", "台湾省", "Taiwan", "台湾"),
    _p("HK", "810000", "香港特别行政区", "Hong Kong", "香港", "Hong Kong SAR"),
    _p("MO", "820000", "澳门特别行政区", "Macao", "澳门", "Macau", "Macao SAR"),
)


def _key(name: str) -> str:
    """A name as compared: width-folded, case-folded, without spaces, dots and dashes."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in folded if ch not in " \t.-_'’")


BY_CODE = {p.code: p for p in PROVINCES}
BY_ADCODE = {p.adcode: p for p in PROVINCES}
BY_NAME = {_key(n): p for p in PROVINCES for n in (p.name_zh, p.name_en, *p.aliases)}
_BY_OLD_CODE = {p.old_code: p for p in PROVINCES}


def province_of(region: str) -> Province | None:
    """The province a stored region code means: ``CN-BJ``, or the pre-2017 ``CN-11``."""
    return BY_CODE.get(region) or _BY_OLD_CODE.get(region)


#: where a feature's province is read, in this order
ADCODE_PROPERTY = "adcode"
NAME_PROPERTIES = ("name", "name_zh", "name_en", "fullname")
#: adcodes of features that belong to the whole country rather than one province — the
#: country's outline, or the South China Sea's dashed line that DataV.GeoAtlas exports
#: as ``100000_JD``: they are kept and drawn without figures
NATIONAL_ADCODE = "100000"
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
#: at most this many problems are listed in one start-up error
MAX_PROBLEMS = 20

SETTING = f"{ENV_PREFIX}CHINA_MAP"


@dataclass(frozen=True)
class ChinaMap:
    """The validated map as served: GeoJSON bytes (plain and gzip) and their ETags."""

    body: bytes
    gzipped: bytes
    etag: str
    attribution: str
    provinces: int

    @property
    def etag_gzip(self) -> str:
        return self.etag[:-1] + '-gz"'


def _ring_ok(ring: Any) -> bool:
    return (
        isinstance(ring, list)
        and len(ring) >= 4
        and all(
            isinstance(pos, list)
            and len(pos) >= 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in pos[:2])
            for pos in ring
        )
    )


def _polygon_ok(polygon: Any) -> bool:
    return isinstance(polygon, list) and len(polygon) >= 1 and all(map(_ring_ok, polygon))


def _geometry_problem(geometry: Any) -> str | None:
    if not isinstance(geometry, dict):
        return "has no geometry; only Polygon and MultiPolygon are drawn"
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        return f"has geometry type {kind!r}; only Polygon and MultiPolygon are drawn"
    coords = geometry.get("coordinates")
    ok = (
        _polygon_ok(coords)
        if kind == "Polygon"
        else isinstance(coords, list) and len(coords) >= 1 and all(map(_polygon_ok, coords))
    )
    if not ok:
        return (
            f"has {kind} coordinates that are not rings of at least 4 "
            "[longitude, latitude] positions"
        )
    return None


def _adcode(props: dict[str, Any]) -> str | None:
    raw = props.get(ADCODE_PROPERTY)
    if isinstance(raw, bool) or raw is None or raw == "":
        return None
    if isinstance(raw, int | float) and float(raw).is_integer():
        return str(int(raw))
    return str(raw).strip()


def _identify(index: int, props: dict[str, Any]) -> tuple[Province | None, str | None]:
    """(province, problem) of one feature; (None, None) for a national feature."""
    adcode = _adcode(props)
    if adcode is not None:
        if adcode in BY_ADCODE:
            return BY_ADCODE[adcode], None
        if adcode == NATIONAL_ADCODE or adcode.startswith(NATIONAL_ADCODE + "_"):
            return None, None
        return None, (
            f"features[{index}] has adcode {adcode!r}, which is not a provincial-level "
            "division's (GB/T 2260: 110000 Beijing … 820000 Macao); the map must have one "
            "feature per province, not cities or counties"
        )
    names = [(k, props[k]) for k in NAME_PROPERTIES if isinstance(props.get(k), str)]
    names = [(k, v) for k, v in names if v.strip()]
    if not names:
        return None, (
            f"features[{index}] has no province name or adcode: set the property "
            f"{ADCODE_PROPERTY} (e.g. 110000) or one of {', '.join(NAME_PROPERTIES)} "
            "(e.g. 北京市 or Beijing)"
        )
    for _, value in names:
        if (found := BY_NAME.get(_key(value))) is not None:
            return found, None
    shown = ", ".join(f"{k}={v!r}" for k, v in names)
    return None, (
        f"features[{index}] ({shown}) is not a province the platform knows; name it by its "
        "adcode (GB/T 2260, e.g. 110000) or its Chinese or English name (北京市 or Beijing)"
    )


def _feature_out(province: Province | None, adcode: str | None, geometry: Any) -> dict[str, Any]:
    props = (
        {
            "region": province.code,
            "adcode": province.adcode,
            "name": province.name_zh,
            "name_en": province.name_en,
        }
        if province is not None
        else {"region": "", "adcode": adcode or "", "name": "", "name_en": ""}
    )
    return {"type": "Feature", "properties": props, "geometry": geometry}


def validate(doc: Any, attribution: str) -> tuple[dict[str, Any], list[str]]:
    """The map re-keyed by region code, and what is wrong with it (empty when nothing)."""
    if not isinstance(doc, dict):
        kind = "a JSON array" if isinstance(doc, list) else f"a JSON {type(doc).__name__}"
        return {}, [f"is not a GeoJSON FeatureCollection (it is {kind})"]
    if doc.get("type") != "FeatureCollection":
        return {}, [f"is not a GeoJSON FeatureCollection (its type is {doc.get('type')!r})"]
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        return {}, ["has no features: a FeatureCollection needs one feature per province"]
    problems: list[str] = []
    seen: dict[str, int] = {}
    out: list[dict[str, Any]] = []
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(f"features[{index}] is not a GeoJSON Feature")
            continue
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        province, problem = _identify(index, props)
        if problem is not None:
            problems.append(problem)
            continue
        where = province.label() if province is not None else f"adcode {_adcode(props)}"
        if (geometry_problem := _geometry_problem(feature.get("geometry"))) is not None:
            problems.append(f"features[{index}] ({where}) {geometry_problem}")
            continue
        if province is not None:
            if province.code in seen:
                problems.append(
                    f"features[{seen[province.code]}] and features[{index}] are both "
                    f"{province.label()}; give each province one feature (a MultiPolygon "
                    "for several parts)"
                )
                continue
            seen[province.code] = index
        out.append(_feature_out(province, _adcode(props), feature["geometry"]))
    missing = [p for p in PROVINCES if p.code not in seen]
    if missing and not problems:
        problems.append(
            "has no feature for "
            + ", ".join(p.label() for p in missing)
            + ": a map of China must show every provincial-level division"
        )
    collection = {"type": "FeatureCollection", "attribution": attribution, "features": out}
    return collection, problems


def load(path: Path, attribution: str) -> ChinaMap:
    """Read and check the operator's map; a :class:`ConfigError` says what is wrong where."""
    where = f"{SETTING}={path}"
    if not attribution.strip():
        raise ConfigError(
            f"{ENV_PREFIX}CHINA_MAP_ATTRIBUTION is not set: a map of China shown to users "
            "must carry its review number (审图号) and source, e.g. "
            "'审图号：GS(20xx)xxxx号 · 来源：…'; set it to the text the map's provider gives"
        )
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ConfigError(f"{where}: cannot read the file ({err.strerror})") from None
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        detail = (
            f"{err.msg} at line {err.lineno} column {err.colno}"
            if isinstance(err, json.JSONDecodeError)
            else "it is not UTF-8 text"
        )
        raise ConfigError(f"{where}: is not GeoJSON ({detail})") from None
    collection, problems = validate(doc, attribution.strip())
    if len(problems) == 1:
        raise ConfigError(f"{where}: {problems[0]}")
    if problems:
        listed = problems[:MAX_PROBLEMS]
        more = len(problems) - len(listed)
        raise ConfigError(
            f"{where}: {len(problems)} problems\n"
            + "\n".join(f"- {p}" for p in listed)
            + (f"\n- … and {more} more" if more else "")
        )
    body = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
    digest = hashlib.sha256(body).hexdigest()[:32]
    return ChinaMap(
        body=body,
        gzipped=gzip.compress(body, compresslevel=6, mtime=0),
        etag=f'"{digest}"',
        attribution=attribution.strip(),
        provinces=len(PROVINCES),
    )
