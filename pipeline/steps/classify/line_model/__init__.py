"""The line model: a small gradient-boosted classifier deciding from plain-text features whether a unit belongs to
the article; shipped as LightGBM's text format (lines.txt)."""
