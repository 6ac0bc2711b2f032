"""`pipeline eval`: a folder cleaned in memory and scored against gold bodies (the benchmark's shingle metric)."""
