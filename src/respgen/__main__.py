"""``python -m respgen``: the respgen command, for a computer where the command is not on the PATH."""

from respgen.cli.commands import run

run(prog_name="respgen")
