"""Evaluation against the synthetic province's ground truth (the only code that reads truth/)."""
