"""eval: run eval cases (CONTRACT.md §5) and report per category."""

from __future__ import annotations

import sys

import click

from taskd.cli import render
from taskd.cli.common import emit_json, load_settings


@click.command(name="eval")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--backend", type=click.Choice(["rules", "openai", "auto"]),
              help="Extractor to evaluate (default: TASKD_BACKEND or auto).")
@click.option("--min-pass", type=click.FloatRange(0, 1),
              help="Exit 1 when the pass rate is below this fraction.")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
def eval_(files: tuple[str, ...], backend: str | None, min_pass: float | None,
          as_json: bool) -> None:
    """Run eval cases from FILES (JSON Lines) and score them."""
    from taskd.evaluate import load_cases, report, run
    from taskd.extract import get_extractor

    settings = load_settings(backend=backend)
    cases = load_cases(files)
    extractor = get_extractor(settings.effective_backend(), settings)
    if sys.stdout.isatty() and not as_json:
        from rich.progress import track

        outcomes = list(track(run(cases, extractor), total=len(cases), description="eval"))
    else:
        outcomes = list(run(cases, extractor))
    result = report(outcomes)
    result["backend"] = extractor.name
    if as_json:
        emit_json(result)
    else:
        _print(result)
    if min_pass is not None and result["pass_rate"] < min_pass:
        click.echo(f"taskd: pass rate {result['pass_rate']:.2%} is below --min-pass "
                   f"{min_pass:.2%}", err=True)
        sys.exit(1)


def _print(result: dict[str, object]) -> None:
    from rich.table import Table

    out = render.console()
    table = Table(box=None, header_style="bold", pad_edge=False, title=None)
    # right / asked / wrong: a question is not a wrong answer; a wrong time is the one to drive
    # to zero, so it has its own column.
    for name in ("category", "cases", "right", "asked", "wrong", "rate"):
        table.add_column(name, justify="right" if name != "category" else "left")
    by_category: dict[str, dict[str, float]] = result["by_category"]  # type: ignore[assignment]
    for name, entry in by_category.items():
        style = "red" if entry["wrong"] else "green" if entry["pass_rate"] == 1 else "yellow"
        table.add_row(name, str(entry["cases"]), str(entry["right"]), str(entry["asked"]),
                      str(entry["wrong"]), f"{entry['pass_rate']:.1%}", style=style)
    table.add_row("all", str(result["cases"]), str(result["right"]), str(result["asked"]),
                  str(result["wrong"]), f"{result['pass_rate']:.1%}", style="bold")
    out.print(table)
    failures = [r for r in result["results"] if not r["passed"]]  # type: ignore[attr-defined]
    for failure in failures:
        mark = "[red]✗ wrong[/red]" if failure.get("verdict") == "wrong" else "[yellow]? asked[/yellow]"
        out.print(f"{mark} {failure['id']}: " + "; ".join(
            render._escape(f) for f in failure["failures"]))


COMMANDS = [eval_]
