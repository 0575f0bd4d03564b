"""The officer's other commands: new, status, calendar, email, check, extract."""
