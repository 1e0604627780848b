"""The running service: the Starlette app, its settings, the database and the command line."""
