"""Who is asking and what they may do: tokens, passwords, roles, the policy table and the scope builder."""
