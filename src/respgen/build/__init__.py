"""Building responses into output/: one response, the plan, the pool, the manifest, the lock."""
