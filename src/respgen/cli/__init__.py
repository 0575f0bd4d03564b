"""The respgen command: the only place that prints or exits."""
