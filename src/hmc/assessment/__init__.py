"""Assessment rounds: private drafts, submission, divergence, reconciliation and signatures."""
