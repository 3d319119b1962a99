"""Story: the desk's copy in, the model out. Parse the house format, normalise the
text by named, switchable rules, read the edition file. Imports no WeasyPrint."""
