"""The archive on disk: article files and shards, their paths, the index, the JSON Schema, near-duplicate detection."""
