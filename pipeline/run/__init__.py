"""A run over a folder: its inputs, pass 1 (repeated lines), the workers and engines, the incremental state."""
