"""``chainkg --help`` drawn without rich: usage, description, and the options and commands panels.

typer prints help through its rich_utils, which imports rich's markdown, markdown-it and
pygments: 0.1 s, more than the rest of ``chainkg --help``. The root help needs none of them (its
texts hold no markup), so it is drawn here in the same rounded panels, its words translated as
typer's are (:data:`chainkg.cli.main.TYPER_WORDS`). A command's own help still comes from typer.
"""

from __future__ import annotations

from typer._click.core import Context
from typer.core import TyperGroup, TyperOption

from chainkg.cli.plain import panel, width, wrap
from chainkg.i18n import _


def root_help(group: TyperGroup, ctx: Context, options_title: str, commands_title: str) -> str:
    """The help page of ``group``: usage line, first paragraph of its help, its options, its commands."""
    cols = width()
    out = ["", " " + group.get_usage(ctx), ""]
    text = (group.help or "").split("\n\n")[0].strip()
    if text:
        out += [" " + line for line in wrap(" ".join(text.split()), cols - 2)] + [""]
    options = [
        [",".join([*p.opts, *p.secondary_opts]), _type(p, ctx), p.help or ""]
        for p in group.get_params(ctx)
        if isinstance(p, TyperOption) and not p.hidden
    ]
    if options:
        out.append(panel(_(options_title), options, cols))
    commands = []
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if cmd is not None and not cmd.hidden:
            commands.append([name, cmd.short_help or (cmd.help or "").split("\n\n")[0].strip()])
    if commands:
        out.append(panel(_(commands_title), commands, cols))
    return "\n".join(out) + "\n"


def _type(param: TyperOption, ctx: Context) -> str:
    """The option's value type as typer shows it (``<str>``)."""
    return str(param.display_type_rich(ctx) or "")
