"""Delegation (Art. 2–4, seed 003): agreements, caseload, assignments of files to partners and workers."""
