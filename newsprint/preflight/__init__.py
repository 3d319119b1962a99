"""Preflight: checks any PDF for the plant (PDF/X) or the archive (PDF/A), and
the typography report. It reads PDFs only, so it imports neither output nor build."""
