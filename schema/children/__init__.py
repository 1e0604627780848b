"""Children in family care (seed 002, quasi-family office; seed 003): admission and exit."""
