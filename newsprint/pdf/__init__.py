"""Helpers that read and write PDFs: XMP metadata, ICC output intents, a walk over
page content with the graphics state, and content-stream fixes."""
