"""The casework area (issue 7): what a partner's worker, or the office for a file it serves, records on a file."""
