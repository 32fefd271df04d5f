"""Working meetings: agenda built from what changed, minutes, decisions, actions, a calendar."""
