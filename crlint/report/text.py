"""The terminal format: `path:line:col: ID [level] message`, the line, a caret."""

from __future__ import annotations

from collections import Counter

from crlint.facts.findings import Level

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.discover.sources import SourceFile
    from crlint.engine.outcome import Outcome
    from crlint.facts.findings import Finding
    from crlint.facts.locations import Location
    from crlint.report import Style

_COLORS = {Level.ERROR: "31", Level.WARNING: "33", Level.NOTE: "36"}
# What a file may hold that a terminal would obey rather than show: control
# characters (an escape sequence can clear the screen, retitle the window or
# write the clipboard) and the bidirectional overrides that reorder a line
# ("Trojan Source"). Each is shown as one visible character, so carets under
# the line still line up: C0 controls as their Unicode pictures (␛), the rest
# as U+FFFD. Tabs stay, for the alignment of snippets.
_VISIBLE = {
    **{code: 0x2400 + code for code in range(0x20) if code != 0x09},
    0x7F: 0x2421,
    **{code: 0xFFFD for code in range(0x80, 0xA0)},
    **{code: 0xFFFD for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}


def visible(text: str) -> str:
    """The text as a terminal shows it, never as commands to the terminal."""
    return text.translate(_VISIBLE)


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled and text else text


def render(outcome: Outcome, style: Style) -> str:
    if style.statistics:  # the table alone, as `ruff --statistics` prints it
        return "".join(line + "\n" for line in _statistics(outcome.findings))
    paint = _Paint(style.color)
    out: list[str] = []
    for finding in outcome.findings:
        out.extend(_finding(finding, outcome.sources.get(finding.location.path), paint))
        out.append("")
    out.append(_summary(outcome, paint))
    return "\n".join(out) + "\n"


def _finding(finding: Finding, source: SourceFile | None, paint: _Paint) -> list[str]:
    location = finding.location
    color = _COLORS[finding.level]
    fixable = " [*]" if finding.fix is not None and finding.fix.safe else ""
    head = (
        f"{paint(f'{visible(location.path)}:{location.line}:{location.column}:', '1')} "
        f"{paint(finding.rule.id, '1;' + color)}{paint(fixable, '1;32')} "
        f"{paint(f'[{finding.level}]', color)} {visible(finding.message)}"
    )
    lines = [head]
    if source is not None and source.text:
        lines.extend(_snippet(location, source, paint, color))
    for related in finding.related:
        where = related.location
        lines.append(
            f"  {paint('=', '1;34')} {visible(where.path)}:{where.line}:{where.column}: "
            f"{visible(related.message)}"
        )
    return lines


SNIPPET_WIDTH = 160
"""Characters of a source line shown under a finding, at most."""


def _snippet(location: Location, source: SourceFile, paint: _Paint, color: str) -> list[str]:
    text = visible(source.line(location.line))
    if not text.strip():
        return []
    number = str(location.line)
    gutter = " " * len(number)
    start = max(location.column - 1, 0)
    end = location.end_column - 1 if location.end_line == location.line else len(text)
    end = max(min(end, len(text)), start + 1)
    if len(text) > SNIPPET_WIDTH:  # a minified or generated line: the part around the place
        first = max(0, min(start - SNIPPET_WIDTH // 4, len(text) - SNIPPET_WIDTH))
        last = first + SNIPPET_WIDTH
        end = min(end, last)
        text = ("…" if first else "") + text[first:last] + ("…" if last < len(text) else "")
        start, end = start - first + (1 if first else 0), end - first + (1 if first else 0)
    # Keep tabs in the padding so the caret lines up however tabs render.
    padding = "".join(c if c == "\t" else " " for c in text[:start])
    bar = paint("|", "1;34")
    return [
        f" {gutter} {bar}",
        f" {paint(number, '1;34')} {bar} {text}",
        f" {gutter} {bar} {padding}{paint('^' * (end - start), '1;' + color)}",
    ]


def _statistics(findings: list[Finding]) -> list[str]:
    counts = Counter((f.rule.id, f.rule.name, f.level) for f in findings)
    if not counts:
        return []
    width = max(len(str(n)) for n in counts.values())
    ids = max(len(rule_id) for rule_id, _, _ in counts)
    levels = max(len(level) + 2 for _, _, level in counts)
    return [
        f"{count:>{width}}  {rule_id:<{ids}}  {f'[{level}]':<{levels}}  {name}"
        for (rule_id, name, level), count in sorted(counts.items(), key=lambda i: (-i[1], i[0]))
    ]


def _summary(outcome: Outcome, paint: _Paint) -> str:
    files = len([s for s in outcome.sources.values() if s.text or s.released])
    noun = "file" if files == 1 else "files"
    if not outcome.findings:
        return paint(f"No problems found in {files} {noun}.", "32")
    by_level = Counter(f.level for f in outcome.findings)
    parts = [
        f"{by_level[level]} {level}{'s' if by_level[level] != 1 else ''}"
        for level in (Level.ERROR, Level.WARNING, Level.NOTE)
        if by_level[level]
    ]
    total = len(outcome.findings)
    affected = len({f.location.path for f in outcome.findings})
    summary = paint(
        f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) in "
        f"{affected} of {files} {noun}.",
        "1",
    )
    safe = sum(1 for f in outcome.findings if f.fix is not None and f.fix.safe)
    unsafe = sum(1 for f in outcome.findings if f.fix is not None and not f.fix.safe)
    if safe:
        summary += f"\n{paint('[*]', '1;32')} {safe} fixable with `crlint --fix`."
    if unsafe:
        summary += (
            f"\n{unsafe} more fixable with `crlint --fix --unsafe-fixes` "
            "(see the fix with `--diff --unsafe-fixes` first)."
        )
    return summary
