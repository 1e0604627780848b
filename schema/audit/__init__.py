"""The audit trail (docs/access.md rule 7): read by the auditor and the office roles, in their area."""
