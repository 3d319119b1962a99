"""Studio: the designer's loop. A session that re-renders on save (watch), the live
proof page (serve), page workers for a warm re-render, and the visual diff."""
