"""Normalisation of identifiers, names, dates and codes as the departments write them."""
