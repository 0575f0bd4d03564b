"""The letter both documents show: the text markup and the one view of the content."""
