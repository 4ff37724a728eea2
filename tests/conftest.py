"""Shared test configuration: a deterministic hypothesis profile for the book's tests."""

import os

from hypothesis import settings

# deadline=None: the first call of a test pays for imports and lambdify, which
# would trip hypothesis' per-example deadline. derandomize=True: the examples
# are drawn from a fixed seed, so the suite gives the same result on every run.
# database=None: no .hypothesis/ directory is written into the repository.
settings.register_profile("book", deadline=None, derandomize=True, max_examples=60, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "book"))
