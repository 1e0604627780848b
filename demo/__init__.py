"""The deterministic demo data (seed-demo, serve --demo); nothing outside demo/ and the CLI imports it."""
