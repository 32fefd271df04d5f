"""The audit trail: every write recorded, chained by hash, verifiable by either party."""
