// JSON Schema module: filled in by its own change.
