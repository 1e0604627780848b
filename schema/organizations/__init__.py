"""Provinces, counties, offices, partners and their staff."""
