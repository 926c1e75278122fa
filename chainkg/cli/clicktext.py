"""click's own words (the usage line, its parse errors) in the reader's language.

typer >= 0.29 carries its own copy of click whose messages are f-strings, with no gettext domain
a translation could be installed for. So the words are said again where they are shown: the
usage line through a context whose formatter writes ``用法：`` and ``[选项]``, and an error by
recognising click's English message (the patterns below, each a message of our catalog with
named fields) and saying it from the catalog. A message not listed stays as click wrote it.
typer's panel titles ("Error", "Try ... for help") are set in :func:`chainkg.cli.main._typer_words`.
tests/api/test_i18n.py runs the usual mistakes (a missing argument, an unknown command or option,
a value of the wrong type) in both languages, so an upgrade of typer that rewords one fails there.
"""

from __future__ import annotations

import re
from typing import NoReturn

import typer.core

# Typer >= 0.29 carries its own copy of click; its classes are the ones the group works with.
from typer import _click as click

from chainkg.i18n import N_, _

USAGE_PIECES: dict[str, str] = {
    "[OPTIONS]": N_("[OPTIONS]"),
    "COMMAND [ARGS]...": N_("COMMAND [ARGS]..."),
}
"""click's metavars in a usage line, by their English form."""

_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.S), msgid)
    for p, msgid in (
        (r"Missing argument (?P<name>.+)\.", N_("Missing argument {name}.")),
        (r"Missing option (?P<name>.+)\.", N_("Missing option {name}.")),
        (r"Missing parameter (?P<name>.+)\.", N_("Missing parameter {name}.")),
        (r"Missing command\.", N_("Missing command.")),
        (
            r"No such command (?P<name>'.+')\. Did you mean (?P<near>.+)\?",
            N_("No such command {name}. Did you mean {near}?"),
        ),
        (r"No such command (?P<name>'.+')\.", N_("No such command {name}.")),
        (
            r"No such option: (?P<name>\S+) \(Possible options: (?P<near>.+)\)",
            N_("No such option: {name} (Possible options: {near})"),
        ),
        (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
        (r"Invalid value for (?P<name>.+?): (?P<reason>.+)", N_("Invalid value for {name}: {reason}")),
        (r"Invalid value: (?P<reason>.+)", N_("Invalid value: {reason}")),
        (r"(?P<value>.+) is not one of (?P<choices>.+)\.", N_("{value} is not one of {choices}.")),
        (r"Value (?P<value>.+) is not a valid (?P<type>\w+)\.", N_("Value {value} is not a valid {type}.")),
        (
            r"Input should be a valid integer, unable to parse string as an integer",
            N_("Input should be a valid integer, unable to parse string as an integer"),
        ),
        (
            r"Input should be a valid number, unable to parse string as a number",
            N_("Input should be a valid number, unable to parse string as a number"),
        ),
        (r"Got unexpected extra argument\(s\) \((?P<args>.+)\)", N_("Got unexpected extra argument(s) ({args})")),
        (r"Option (?P<name>'.+') requires an argument\.", N_("Option {name} requires an argument.")),
        (r"Option (?P<name>'.+') requires (?P<n>\d+) arguments\.", N_("Option {name} requires {n} arguments.")),
        (r"Option (?P<name>'.+') does not take a value\.", N_("Option {name} does not take a value.")),
    )
]
"""click's and typer's parse errors, by their English form, and the message each is said as."""


def said(message: str) -> str:
    """``message`` (as click wrote it) in the current language; as is when it is not one of click's own."""
    for pattern, msgid in _ERRORS:
        m = pattern.fullmatch(message)
        if m:
            # a reason inside (Invalid value for '--limit': <reason>) is one of click's too
            fields = {k: said(v) if k == "reason" else v for k, v in m.groupdict().items()}
            return _(msgid).format(**fields)
    return message


def translated(exc: click.ClickException) -> click.ClickException:
    """``exc`` with its message in the current language (``exc`` itself when there is nothing to say again)."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        return exc  # its message is the help, already in the language
    text = exc.format_message()
    new = said(text)
    if new == text:
        return exc
    out = (
        click.exceptions.UsageError(new, ctx=exc.ctx)
        if isinstance(exc, click.exceptions.UsageError)
        else click.ClickException(new)
    )
    out.exit_code = exc.exit_code
    return out


def usage_pieces(pieces: list[str]) -> list[str]:
    """The pieces of a usage line (``[OPTIONS]``, ``COMMAND [ARGS]...``) in the current language."""
    return [_(USAGE_PIECES[p]) if p in USAGE_PIECES else p for p in pieces]


class UsageFormatter(click.HelpFormatter):
    """click's help formatter, writing the usage line's ``Usage:`` in the current language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """As click, with ``用法：`` (``Usage: ``) when no other prefix is given."""
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)


class Context(click.Context):
    """click's context, its help and usage written by :class:`UsageFormatter`."""

    formatter_class = UsageFormatter


class Command:
    """What every chainkg command adds to click's: a localized context and usage line (a mixin)."""

    context_class: type[click.Context] = Context

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        """click's pieces (``[OPTIONS]`` ...), in the current language."""
        pieces: list[str] = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        return usage_pieces(pieces)


class ChainkgCommand(Command, typer.core.TyperCommand):
    """A chainkg subcommand: typer's, with its usage line in the reader's language."""


def raise_said(exc: click.ClickException) -> NoReturn:
    """Raise ``exc`` said in the current language (from the original, so a traceback shows both)."""
    out = translated(exc)
    if out is exc:
        raise exc
    raise out from exc
