"""Accounting commands: calc, methods, allocate, demo."""

from __future__ import annotations

import json
import locale
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def default_lang() -> Lang:
    tag = os.environ.get("LANG") or (locale.getlocale()[0] or "")
    return Lang.zh if tag.lower().startswith("zh") else Lang.en


def fail_input(err: Exception) -> None:
    """Print an input error's problems (one per line) and exit with status 2."""
    from carbonledger.accounting.errors import InputError

    typer.secho("invalid input:", fg=typer.colors.RED, err=True)
    if isinstance(err, InputError):
        for problem in err.problems:
            typer.echo(f"  {problem}", err=True)
    else:
        typer.echo(f"  {err}", err=True)
    raise typer.Exit(2)


LangOption = Annotated[Lang, typer.Option("--lang", help="Report language (zh or en).")]


def register(app: typer.Typer) -> None:
    @app.command()
    def calc(
        file: Annotated[
            Path | None,
            typer.Argument(help="Activity-data submission: a .json document or an .xlsx workbook."),
        ] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the canonical JSON report instead of text.")
        ] = False,
        template: Annotated[
            str | None,
            typer.Option(
                "--template",
                metavar="METHODOLOGY_ID",
                help="Write a fillable template for this methodology instead of calculating.",
            ),
        ] = None,
        xlsx: Annotated[
            bool, typer.Option("--xlsx", help="With --template: write an Excel workbook.")
        ] = False,
        output: Annotated[
            Path | None, typer.Option("-o", "--output", help="With --template: file to write.")
        ] = None,
        lang: LangOption = default_lang(),  # noqa: B008
    ) -> None:
        """Compute a submission and print its report, or write a template (--template)."""
        from carbonledger.accounting.errors import AccountingError, InputError
        from carbonledger.accounting.units import UnitError

        if template is not None:
            _write_template(template, xlsx, output, lang)
            return
        if file is None:
            typer.secho("give a FILE to compute, or --template METHODOLOGY_ID", err=True)
            raise typer.Exit(2)
        from carbonledger.accounting.engine import calculate, read_submission

        if not file.exists():
            typer.secho(f"{file}: no such file", err=True)
            raise typer.Exit(2)
        try:
            report = calculate(read_submission(file))
        except (InputError, UnitError, AccountingError) as err:
            fail_input(err)
            return
        if as_json:
            sys.stdout.buffer.write(report.to_json() + b"\n")
        else:
            typer.echo(report.render_text(lang.value))

    @app.command()
    def methods(
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List the methodologies and factor sets."""
        from carbonledger.accounting.factors import packaged_sets
        from carbonledger.accounting.methodology import all_methodologies

        ms = all_methodologies()
        sets = packaged_sets()
        if as_json:
            doc = {
                "methodologies": [m.describe() for m in ms],
                "factor_sets": [
                    {
                        "ref": fs.ref,
                        "title_zh": fs.title_zh,
                        "title_en": fs.title_en,
                        "extends": list(fs.extends),
                        "rows": len(fs.rows),
                        "digest": fs.digest,
                    }
                    for fs in sets.values()
                ],
            }
            typer.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
            return
        typer.echo("Methodologies:")
        for m in ms:
            typer.echo(f"  {m.ref:<28} {m.industry:<10} from {m.valid_from}  {m.name_en}")
            typer.echo(f"  {'':<28} {'':<10} {m.name_zh}")
            typer.echo(f"  {'':<28} sources: {', '.join(m.sources)}")
        typer.echo("\nFactor sets:")
        for fs in sets.values():
            extends = f" (extends {', '.join(fs.extends)})" if fs.extends else ""
            typer.echo(f"  {fs.ref:<28} {len(fs.rows):>4} rows  {fs.title_en}{extends}")

    @app.command()
    def allocate(
        file: Annotated[Path, typer.Argument(help="Allocation request (.json).")],
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the canonical JSON result instead of text.")
        ] = False,
        lang: LangOption = default_lang(),  # noqa: B008
    ) -> None:
        """Compute an allowance allocation for the units or enterprise in FILE."""
        from carbonledger.accounting.allocation import allocate as run_allocation
        from carbonledger.accounting.allocation import read_allocation_request
        from carbonledger.accounting.errors import AccountingError, InputError

        if not file.exists():
            typer.secho(f"{file}: no such file", err=True)
            raise typer.Exit(2)
        try:
            result = run_allocation(read_allocation_request(file))
        except (InputError, AccountingError) as err:
            fail_input(err)
            return
        if as_json:
            sys.stdout.buffer.write(result.to_json() + b"\n")
        else:
            typer.echo(result.render_text(lang.value))

    @app.command()
    def demo(lang: LangOption = default_lang()) -> None:  # noqa: B008
        """Compute the bundled example submissions and print their reports."""
        from importlib import resources

        from carbonledger.accounting.engine import calculate_json

        examples = resources.files("carbonledger.accounting") / "data" / "examples"
        names = sorted(
            p.name
            for p in examples.iterdir()
            if p.name.endswith(".json") and not p.name.startswith("allocation")
        )
        for name in names:
            report = calculate_json((examples / name).read_bytes())
            typer.echo("=" * 100)
            typer.echo(f"{name}")
            typer.echo(report.render_text(lang.value))
        typer.echo("=" * 100)
        typer.echo(f"{len(names)} example submissions computed.")
        from carbonledger.accounting.allocation import allocate as run_allocation
        from carbonledger.accounting.allocation import parse_allocation_request
        from carbonledger.accounting.submission import parse_json_text

        requests = sorted(p.name for p in examples.iterdir() if p.name.startswith("allocation"))
        for name in requests:
            raw = parse_json_text((examples / name).read_bytes())
            result = run_allocation(parse_allocation_request(raw))
            typer.echo("=" * 100)
            typer.echo(name)
            typer.echo(result.render_text(lang.value))
        typer.echo("=" * 100)
        typer.echo(f"{len(requests)} example allocation requests computed.")


def _write_template(ref: str, xlsx: bool, output: Path | None, lang: Lang) -> None:
    from carbonledger.accounting.errors import UnknownMethodologyError
    from carbonledger.accounting.templates import json_template

    try:
        if xlsx:
            from carbonledger.accounting.excel import write_template

            path = output or Path(f"{ref.replace('@', '-')}.xlsx")
            write_template(ref, path, lang=lang.value)
        else:
            doc = json_template(ref)
            text = json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"
            if output is None:
                typer.echo(text, nl=False)
                return
            path = output
            path.write_text(text, encoding="utf-8")
    except UnknownMethodologyError as err:
        typer.secho(str(err), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {path}")
