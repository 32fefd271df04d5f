"""Assessment rounds: private drafts, submission, divergence, reconciliation and signatures."""

DEFAULT_FLAG_GAP = 2  # a divergence is flagged when two ratings differ by this many levels

__all__ = ["DEFAULT_FLAG_GAP"]
