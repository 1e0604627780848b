"""GraphiQL that works without internet (issue #11, "The IDE and the schema for client authors").

strawberry's GraphiQL page (strawberry/static/graphiql.html) loads React, GraphiQL and its explorer plugin from
unpkg.com: an office intranet or a filtered network gets a blank "Loading…". `welfare-api ide fetch` installs those
same files beside the package (`GRAPHIQL_ASSETS_DIR`, by default `api/graphiql_assets/`, never committed): it takes
each npm package with npm's own client (`npm pack`, from the configured npm registry), keeps only the files the page
names, and checks each against the page's own Subresource Integrity hash, so the files served are byte for byte the
ones strawberry pins. The app serves them under /graphiql-assets/ and the page points there; while any is missing,
the page is strawberry's, loading from the CDN as before.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from strawberry.http.ides import get_graphql_ide_html

log = logging.getLogger("welfare_api")

ASSETS_PATH = "/graphiql-assets"
CDN = "https://unpkg.com/"

# `src="https://unpkg.com/graphiql@3.8.3/graphiql.min.js"` followed (in the same tag) by `integrity="sha384-…"`.
_ASSET = re.compile(r'(?:src|href)="' + re.escape(CDN) + r'(?P<spec>(?:@[^/@"]+/)?[^/@"]+@[^/"]+)/(?P<file>[^"]+)"'
                    r'\s+integrity="(?P<integrity>sha\d+-[^"]+)"')


@dataclass(frozen=True)
class Asset:
    """One file the page loads: `package@version`, the file's path inside the npm package, and its SRI hash."""

    spec: str
    file: str
    integrity: str

    @property
    def cdn_url(self) -> str:
        return f"{CDN}{self.spec}/{self.file}"

    @property
    def local_url(self) -> str:
        return f"{ASSETS_PATH}/{self.spec}/{self.file}"

    def path_in(self, directory: Path) -> Path:
        return directory / self.spec / self.file


def page_assets(html: str | None = None) -> list[Asset]:
    """The CDN files strawberry's GraphiQL page loads, each with its integrity hash."""
    html = get_graphql_ide_html("graphiql") if html is None else html
    return [Asset(m["spec"], m["file"], m["integrity"]) for m in _ASSET.finditer(html)]


def matches_integrity(content: bytes, integrity: str) -> bool:
    """Whether `content` has the Subresource Integrity hash `integrity` (`sha384-<base64>`)."""
    algorithm, _, expected = integrity.partition("-")
    return base64.b64encode(hashlib.new(algorithm, content).digest()).decode() == expected


def assets_installed(directory: Path) -> bool:
    """Every file the page loads is in `directory`, with its pinned hash (a partial or corrupt install counts as
    absent: the page then loads from the CDN rather than half from each)."""
    assets = page_assets()
    return bool(assets) and all(
        asset.path_in(directory).is_file() and matches_integrity(asset.path_in(directory).read_bytes(),
                                                                 asset.integrity)
        for asset in assets)


def graphiql_html(directory: Path) -> str:
    """strawberry's GraphiQL page, pointing at the files under /graphiql-assets/ when they are installed in
    `directory`, else at the CDN (unchanged). The integrity attributes stay: the files are the same bytes."""
    html = get_graphql_ide_html("graphiql")
    if not assets_installed(directory):
        return html
    for asset in page_assets(html):
        html = html.replace(f'"{asset.cdn_url}"', f'"{asset.local_url}"')
    return html


def ide_routes(directory: Path) -> list[BaseRoute]:
    """/graphiql-assets/ when the files are installed in `directory`; else nothing (the page uses the CDN)."""
    if not assets_installed(directory):
        log.warning("GraphiQL's files are not installed in %s (welfare-api ide fetch): the IDE loads them from %s, "
                    "which a network without internet cannot reach", directory, CDN)
        return []
    return [Mount(ASSETS_PATH, StaticFiles(directory=directory), name="graphiql-assets")]


class FetchFailed(Exception):
    """The assets could not be fetched (no npm, no registry) or did not match their pinned hashes."""


def fetch_assets(directory: Path, npm: str = "npm") -> list[Path]:
    """Install the page's files into `directory` from the npm registry, through npm's own client, each checked
    against its pinned hash; returns the files written. Nothing is left half-written: the files are checked in a
    temporary folder before they replace `directory`'s."""
    if shutil.which(npm) is None:
        raise FetchFailed(f"{npm} is not installed: GraphiQL's files come from the npm registry through npm")
    assets = page_assets()
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for spec in sorted({asset.spec for asset in assets}):
            packed = subprocess.run([npm, "pack", spec, "--silent", "--pack-destination", str(work)],
                                    capture_output=True, text=True, check=False)
            if packed.returncode != 0:
                raise FetchFailed(f"npm pack {spec} failed: {packed.stderr.strip()[-500:]}")
            tarball = work / packed.stdout.strip().splitlines()[-1]
            with tarfile.open(tarball) as archive:
                for asset in (a for a in assets if a.spec == spec):
                    member = archive.extractfile(f"package/{asset.file}")
                    if member is None:
                        raise FetchFailed(f"{spec} has no file {asset.file}")
                    content = member.read()
                    if not matches_integrity(content, asset.integrity):
                        raise FetchFailed(f"{spec}/{asset.file} does not match strawberry's pinned hash")
                    target = asset.path_in(work / "assets")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(content)
        directory.mkdir(parents=True, exist_ok=True)
        for asset in assets:
            target = asset.path_in(directory)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asset.path_in(work / "assets"), target)
            written.append(target)
    return written
