"""``python -m respgen``: the respgen command, for a computer where the command is not on the PATH."""

from respgen.cli.commands import main

main(prog_name="respgen")
