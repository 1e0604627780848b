"""GraphiQL without internet (issue #11, "The IDE and the schema for client authors"; api/graphiql.py).

The IDE's files are fetched once per session through `welfare-api ide fetch`'s own code (npm, from the npm registry)
unless the package already has them; where npm or the registry is unreachable, the tests that need them are skipped.
The browser test drives Debian's headless Chromium through chromedriver's WebDriver protocol (plain HTTP, no client
library), with every host but 127.0.0.1 unresolvable: the page must load, log in and run the README's first query
from the app alone. It is skipped where Chromium or chromedriver is absent.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import strawberry

from api.app import create_app
from api.graphiql import ASSETS_PATH, CDN, FetchFailed, assets_installed, fetch_assets, page_assets
from api.settings import Settings
from tests.conftest import free_port

README = Path(__file__).parents[2] / "README.md"
LOGIN = 'mutation { login(input: {username: "clinic.manager", password: "demo"}) { accessToken } }'


@pytest.fixture(scope="session")
def assets_dir(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with GraphiQL's files: the package's own when installed, else fetched for the session."""
    if assets_installed(settings.graphiql_assets_dir):
        return settings.graphiql_assets_dir
    directory = tmp_path_factory.mktemp("graphiql-assets")
    try:
        fetch_assets(directory)
    except FetchFailed as failed:
        pytest.skip(f"GraphiQL's files are not installed and could not be fetched: {failed}")
    return directory


def _app_with_assets(settings: Settings, directory: Path, database_url: str, schema: strawberry.Schema) -> Any:
    return create_app(settings.model_copy(update={"graphiql_assets_dir": directory}), database_url=database_url,
                      apply_migrations=False, schema=schema)


@pytest.fixture
async def app(settings: Settings, assets_dir: Path, database_url: str, schema: strawberry.Schema):
    application = _app_with_assets(settings, assets_dir, database_url, schema)
    async with application.router.lifespan_context(application):
        yield application


def _client(application: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://testserver")


async def _page(client: httpx.AsyncClient) -> str:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    return response.text


async def test_the_page_loads_installed_assets_from_the_app(app) -> None:
    """With the files installed, the page names no CDN address, and every file it names is served by the app with
    its type, byte for byte the one strawberry pins (the integrity attributes stay in the page)."""
    async with _client(app) as client:
        html = await _page(client)
        assert CDN not in html
        for asset in page_assets():
            assert f'"{asset.local_url}"' in html and asset.integrity in html
            served = await client.get(asset.local_url)
            assert served.status_code == 200, asset
            assert served.headers["content-type"].split(";")[0] in {"text/css", "text/javascript",
                                                                    "application/javascript"}


async def test_the_page_falls_back_to_the_cdn_without_assets(settings, database_url, schema, tmp_path) -> None:
    """Without the files (or with one missing or altered), the page is strawberry's, loading from the CDN, and
    nothing is served under /graphiql-assets/."""
    application = _app_with_assets(settings, tmp_path, database_url, schema)
    async with application.router.lifespan_context(application):
        async with _client(application) as client:
            html = await _page(client)
            assert ASSETS_PATH not in html
            assert all(f'"{asset.cdn_url}"' in html for asset in page_assets())
            assert (await client.get(page_assets()[0].local_url)).status_code == 404


def test_a_partial_or_altered_install_counts_as_absent(assets_dir: Path, tmp_path: Path) -> None:
    partial = tmp_path / "partial"
    shutil.copytree(assets_dir, partial)
    first = page_assets()[0].path_in(partial)
    first.write_bytes(first.read_bytes() + b"\n")
    assert assets_installed(assets_dir) and not assets_installed(partial)
    first.unlink()
    assert not assets_installed(partial)


# --- headless Chromium --------------------------------------------------------------------------------------------

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")

# Chromium's own start-up calls home unless told not to, and everything but the app is made unresolvable: the
# test sees what an office without internet sees.
BROWSER_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]


def _readme_first_query() -> str:
    """The README's first walkthrough query ("A first query", as clinic.manager)."""
    found = re.search(r"```graphql walkthrough\n# as clinic\.manager\n(.*?)```", README.read_text(), flags=re.S)
    assert found, "the README's first query"
    return found.group(1)


@pytest.fixture(scope="module")
def chromedriver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    port = free_port()
    log = tmp_path_factory.mktemp("chromedriver") / "chromedriver.log"
    with log.open("w") as out:
        driver = subprocess.Popen([CHROMEDRIVER, f"--port={port}"], stdout=out, stderr=subprocess.STDOUT)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        driver.terminate()
        driver.wait(30)


class Browser:
    """One WebDriver session (W3C protocol over HTTP)."""

    def __init__(self, http: httpx.AsyncClient, session: str) -> None:
        self.http, self.session = http, session

    async def command(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = await self.http.request(method, f"/session/{self.session}{path}", json=body)
        answer = response.json()
        assert response.status_code == 200, answer
        return answer["value"]

    async def script(self, source: str, *args: Any) -> Any:
        return await self.command("POST", "/execute/sync", {"script": source, "args": list(args)})

    async def until(self, source: str, *args: Any, what: str, attempts: int = 300) -> Any:
        """The first truthy value of `source`, polled; fails after `attempts` tries (about 30 s), saying `what`."""
        for _ in range(attempts):
            value = await self.script(source, *args)
            if value:
                return value
            await asyncio.sleep(0.1)
        body = await self.script("return document.body.innerText.slice(0, 300)")
        raise AssertionError(f"{what}: never happened; the page shows {body!r}")


@pytest.fixture
async def browser(chromedriver: str, tmp_path: Path) -> AsyncIterator[Browser]:
    async with httpx.AsyncClient(base_url=chromedriver, timeout=60) as http:
        for _ in range(100):  # until chromedriver listens
            try:
                await http.get("/status")
                break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
        options = {"binary": CHROMIUM, "args": [*BROWSER_ARGS, f"--user-data-dir={tmp_path / 'profile'}"]}
        created = await http.post("/session", json={"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": options}}})
        assert created.status_code == 200, created.text
        browser = Browser(http, created.json()["value"]["sessionId"])
        try:
            yield browser
        finally:
            await http.delete(f"/session/{browser.session}")


# The editors are CodeMirror 5 instances; the response pane is read-only.
_EDITOR = "const e = document.querySelector(arguments[0]); return Boolean(e && e.CodeMirror);"
_SET = "document.querySelector(arguments[0]).CodeMirror.setValue(arguments[1]);"
_RESPONSE = ("const e = document.querySelector('.graphiql-response .CodeMirror'); "
             "return e ? e.CodeMirror.getValue() : '';")
_QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"


async def _run(browser: Browser, query: str, expect: str) -> dict[str, Any]:
    """Puts `query` in the query editor, presses the run button and returns the response once it holds `expect`."""
    await browser.script("document.querySelector('.graphiql-response .CodeMirror').CodeMirror.setValue('');")
    await browser.script(_SET, _QUERY_EDITOR, query)
    await browser.script("document.querySelector('.graphiql-execute-button').click();")
    text = await browser.until(f"const t = (function() {{ {_RESPONSE} }})(); return t.includes(arguments[0]) ? t : '';",
                               expect, what=f"a response with {expect}")
    result: dict[str, Any] = json.loads(text)
    return result


async def test_graphiql_logs_in_and_runs_the_readme_query_without_internet(live_url: str, browser: Browser) -> None:
    """An office intranet's view: GraphiQL loads from the app alone, the login mutation answers a token, and with
    it in the headers pane the README's first query answers as clinic.manager. Every file the page loaded came from
    the app (with the CDN page, this test stops at "Loading...")."""
    await browser.command("POST", "/url", {"url": f"{live_url}/graphql"})
    await browser.until(_EDITOR, _QUERY_EDITOR, what="GraphiQL's query editor")

    login = await _run(browser, LOGIN, "accessToken")
    token = login["data"]["login"]["accessToken"]

    await browser.script("""for (const b of document.querySelectorAll('.graphiql-editor-tools button'))
                              if (b.textContent.trim() === 'Headers') b.click();""")
    headers = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
    await browser.until(_EDITOR, headers, what="the headers editor")
    await browser.script(_SET, headers, json.dumps({"Authorization": f"Bearer {token}"}))

    answer = await _run(browser, _readme_first_query(), "partners")
    assert "errors" not in answer, answer
    assert answer["data"]["me"]["role"] == "PARTNER_MANAGER"
    assert answer["data"]["partners"]["totalCount"] == 1  # a clinic manager sees its own clinic only

    loaded = await browser.script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(live_url) for url in loaded), loaded
