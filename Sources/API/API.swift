// API module: filled in by its own change.
