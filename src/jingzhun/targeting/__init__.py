"""Targeting: how well a selection reaches the poor, and proxy-means tests (PMT)."""
