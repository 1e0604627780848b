"""The command line: migrate, seed-demo and create-user against a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from api import db

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
async def empty_database(server_url):
    name = f"welfare_cli_{os.getpid()}"
    conn = await asyncpg.connect(db.asyncpg_dsn(server_url))
    await conn.execute(f'drop database if exists "{name}" with (force)')
    await conn.execute(f'create database "{name}"')
    await conn.close()
    yield db.with_database(server_url, name)
    conn = await asyncpg.connect(db.asyncpg_dsn(server_url))
    await conn.execute(f'drop database if exists "{name}" with (force)')
    await conn.close()


def run(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


async def test_migrate_seed_and_create_the_first_admin(empty_database):
    assert run(empty_database, "migrate").returncode == 0
    seeded = run(empty_database, "seed-demo")
    assert seeded.returncode == 0, seeded.stderr
    assert "kindergartens 10" in seeded.stdout and "clinic.manager" in seeded.stdout
    again = run(empty_database, "seed-demo")
    assert "already present" in again.stdout
    short = run(empty_database, "create-user", "--username", "boss", "--role", "NATIONAL_ADMIN", stdin="short\n")
    assert short.returncode == 2
    made = run(empty_database, "create-user", "--username", "Boss", "--role", "NATIONAL_ADMIN",
               "--full-name", "مدیر", stdin="a-long-enough-password\n")
    assert made.returncode == 0, made.stderr
    conn = await asyncpg.connect(db.asyncpg_dsn(empty_database))
    row = await conn.fetchrow("select u.password_hash, o.kind from app_user u join organization o "
                              "on o.id = u.organization_id where username = 'boss'")
    offices = await conn.fetchval("select count(*) from organization where kind = 'NATIONAL_OFFICE'")
    await conn.close()
    assert row["password_hash"].startswith("$argon2") and row["kind"] == "NATIONAL_OFFICE"
    assert offices == 1
