"""The steps one document goes through (read, repair, segment, classify, metadata, write), one module or package
each, run in order by flow.run_steps; text.py, memo.py and limits.py are what they share."""
