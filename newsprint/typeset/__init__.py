"""Typeset: fonts and their coverage, the Typesetter (WeasyPrint with clreq and a
fetcher confined to the project), and the fit of the copy to the pages."""
