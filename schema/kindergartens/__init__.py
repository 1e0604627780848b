"""Kindergartens licensed by the office and their operators (seed 002)."""
