"""The letter as a web page, the fragment for a website's editor, and the office's list of responses."""
