"""The audit trail (ACCESS.md rule 7): read by the auditor and the office roles, in their area."""
