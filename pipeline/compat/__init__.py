"""Every use of a library's private API, one module per library, each with a fallback that gives the same results."""
