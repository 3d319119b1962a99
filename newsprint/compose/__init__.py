"""Compose: the page plan (which parts of the story go on which page) and the
HTML filled from the templates in layout/. It knows nothing of WeasyPrint."""
