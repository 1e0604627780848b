"""The money area (issue 9): the figures the national office sets (the policy table) and what is computed from them —
a household's monthly pension (seed 002) here; subsidy statements and the partner's books in later slices."""
