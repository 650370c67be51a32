"""The integration workspace (scale 0.0005, 12 months, seed 7, every stage) for the assessment."""

