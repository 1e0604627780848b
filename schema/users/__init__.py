"""Users, login and the viewer (`me`)."""
