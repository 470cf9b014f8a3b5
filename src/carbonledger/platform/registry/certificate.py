"""Printable retirement certificates (text and HTML, zh-CN and en-US) from the JSON one."""

from __future__ import annotations

from html import escape

from carbonledger.platform.registry.schemas import Certificate

LANGS = ("zh-CN", "en-US")

LABELS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "title": "碳减排量注销证明",
        "certificate_id": "证明编号",
        "beneficiary": "注销受益方",
        "holder": "注销方",
        "amount": "注销数量",
        "unit": "吨二氧化碳当量",
        "serials": "序列号",
        "vintage": "减排量年份",
        "project": "项目",
        "methodology": "方法学",
        "region": "项目所在地",
        "reason": "注销原因",
        "retired_at": "注销时间（UTC）",
        "tx_hash": "交易哈希",
        "block_number": "区块高度",
        "note": "以上减排量已在 carbonledger 区块链上永久注销，不可再转让或使用；"
        "可按交易哈希在区块链浏览器中核验。",
    },
    "en-US": {
        "title": "Certificate of Offset Retirement",
        "certificate_id": "Certificate",
        "beneficiary": "Retired on behalf of",
        "holder": "Retired by",
        "amount": "Quantity",
        "unit": "t CO2e",
        "serials": "Serial numbers",
        "vintage": "Vintage",
        "project": "Project",
        "methodology": "Methodology",
        "region": "Project region",
        "reason": "Reason",
        "retired_at": "Retired at (UTC)",
        "tx_hash": "Transaction",
        "block_number": "Block",
        "note": "These credits are permanently retired on the carbonledger chain and can never "
        "be transferred or used again; verify them by the transaction hash.",
    },
}


def _rows(c: Certificate, lang: str) -> list[tuple[str, str]]:
    t = LABELS[lang]
    return [
        (t["certificate_id"], c.certificate_id),
        (t["beneficiary"], c.beneficiary),
        (t["holder"], c.holder),
        (t["amount"], f"{c.amount:,} {t['unit']}"),
        (t["serials"], f"{c.first_serial} – {c.last_serial}"),
        (t["vintage"], str(c.vintage)),
        (t["project"], f"{c.project_id} {c.project_name}"),
        (t["methodology"], c.methodology),
        (t["region"], c.project_region),
        (t["reason"], c.reason or "-"),
        (t["retired_at"], c.retired_at.strftime("%Y-%m-%d %H:%M:%S")),
        (t["tx_hash"], c.tx_hash),
        (t["block_number"], str(c.block_number)),
    ]


def render_text(c: Certificate, lang: str) -> str:
    t = LABELS[lang]
    rows = _rows(c, lang)
    out = [t["title"], "=" * 40]
    out += [f"{label}: {value}" for label, value in rows]
    out += ["", t["note"], ""]
    return "\n".join(out)


def render_html(c: Certificate, lang: str) -> str:
    t = LABELS[lang]
    rows = "\n".join(
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in _rows(c, lang)
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(t['title'])} {escape(c.certificate_id)}</title>"
        "<style>body{font-family:serif;max-width:46em;margin:2em auto}"
        "th{text-align:left;padding-right:1em;vertical-align:top}"
        "@media print{body{margin:0}}</style></head>\n<body>"
        f"<h1>{escape(t['title'])}</h1>\n<table>\n{rows}\n</table>\n"
        f"<p>{escape(t['note'])}</p>\n</body></html>\n"
    )
