"""Household case files (پرونده خانوار): admission, members, committee classification, exit (seed 001)."""
