"""The 2014 delegation directive and the other source documents, as pure functions."""
