"""Archive: a content-addressed store of rendered stories and a searchable SQLite
catalogue. Its contract with the renderer is manifest.json; it imports neither
build nor WeasyPrint."""
