"""The browser as the judge of CORS: headless Chromium uploads through the app's signed URLs.

For every shipped stack, an RGW bucket holds the stack's CORS rules as its provider puts
them (tests/support/stack_cors.py) and an app user holds the guide's policy for that bucket; the
app's own SDK (tests/js/presign.js) signs a PUT and a GET from the stack's `.env` pointed at
RGW. A page served from the stack's configured origin over HTTPS (tests/support/browser_judge.py:
throwaway certificate, Chromium's --host-resolver-rules) uploads with a content type that
makes the preflight ask for `content-type`, reads `ETag` from JavaScript and downloads the
bytes. The same page from another origin and from `http://` is refused by the browser
itself: fetch rejects with TypeError, Chromium names the CORS policy, and because the
preflight was refused the PUT was never sent, so no object exists.

RGW honours `*` in allowed headers, as S3 does; R2 may take it literally (infra/providers/
cloudflare/documents.py, HEADER_WILDCARD_HONOURED), so the R2 stack is also judged with
`*` removed from its rules, which is what a literal `*` matches for a browser (no browser
sends a header named `*`).
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from infra.dotenv.cli import main as dotenv_main
from infra.guide import contract
from infra.guide.permissions import app_policy_document
from tests.support.app_sdk import presign
from tests.support.browser_judge import BrowserJudge, chromium_judge
from tests.support.plans import SHIPPED_STACKS, shipped_plan
from tests.support.rgw_server import Rgw
from tests.support.s3_servers import Credential, unique_bucket
from tests.support.stack_cors import configured_origin, rendered_cors

CONTENT_TYPE = "image/png"
"""Not one of the Fetch standard's CORS-safelisted content types, so the preflight asks for
`content-type` (https://fetch.spec.whatwg.org/#cors-safelisted-request-header)."""
FOREIGN_ORIGIN = "https://evil.example.com"
R2_STAR_LITERAL = "staging (R2, * literal)"
CASES = {**{stack: stack for stack in SHIPPED_STACKS}, R2_STAR_LITERAL: "staging"}
"""Case name -> the shipped stack whose rules and origin it uses."""


def _rules(case: str) -> dict[str, Any]:
    document = rendered_cors(CASES[case])
    if case == R2_STAR_LITERAL:
        for rule in document["CORSRules"]:
            rule["AllowedHeaders"] = [header for header in rule["AllowedHeaders"] if header != "*"]
    return document


def _hosts() -> list[str]:
    hosts = {urlsplit(configured_origin(stack)).hostname for stack in SHIPPED_STACKS}
    return sorted(hosts | {urlsplit(FOREIGN_ORIGIN).hostname})


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserJudge]:
    """One Chromium and one pair of page servers for the whole module."""
    with chromium_judge(_hosts()) as (judge, _, _):
        yield judge


@dataclass(frozen=True)
class Site:
    """A stack's bucket on RGW, and the app's `.env` for it."""

    rgw: Rgw
    bucket: str
    env_file: Path
    origin: str
    app: Credential

    def signed(self, key: str) -> dict[str, str]:
        return presign(self.env_file, key, CONTENT_TYPE)

    def stored(self, key: str) -> dict[str, Any] | None:
        """The object, or None when the admin's listing (every owner's objects) shows none. Its
        bytes are read with the app's key: on RGW an object belongs to its uploader, and the
        bucket's owner may not read it."""
        listed = self.rgw.client().list_objects_v2(Bucket=self.bucket, Prefix=key).get("Contents", [])
        if key not in [entry["Key"] for entry in listed]:
            return None
        found = self.rgw.client("s3", self.app).get_object(Bucket=self.bucket, Key=key)
        return {"body": found["Body"].read(), "etag": found["ETag"], "type": found["ContentType"]}


@pytest.fixture(scope="module", params=sorted(CASES))
def site(request: pytest.FixtureRequest, rgw: Rgw, tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The stack's rules on a fresh RGW bucket, an app user with the guide's policy for it, and
    the stack's `.env` (written by infra.dotenv) with bucket, region, endpoint and key of RGW."""
    stack = CASES[request.param]
    bucket = rgw.create_bucket(unique_bucket("browser"))
    rgw.client().put_bucket_cors(Bucket=bucket, CORSConfiguration=_rules(request.param))
    credential = rgw.restricted_user(f"{bucket}-app", app_policy_document(bucket))
    outputs = {
        **shipped_plan(stack).outputs,
        contract.BUCKET: bucket,
        contract.REGION: rgw.server.region,
        contract.ENDPOINT: rgw.endpoint,
        contract.ACCESS_KEY_ID: credential.key_id,
        contract.SECRET_ACCESS_KEY: credential.secret,
    }
    folder = tmp_path_factory.mktemp("browser-env")
    (folder / "outputs.json").write_text(json.dumps(outputs))
    assert dotenv_main(["--from-json", str(folder / "outputs.json"), "--output", str(folder / ".env")]) == 0
    return Site(rgw, bucket, folder / ".env", configured_origin(stack), credential)


def _page(origin: str) -> str:
    return origin + "/"


def test_the_configured_origin_uploads_reads_etag_and_downloads(browser: BrowserJudge, site: Site) -> None:
    key = f"uploads/browser/{secrets.token_hex(4)}.png"
    body = b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(256)
    urls = site.signed(key)

    seen = browser.visit(_page(site.origin), urls["put"], urls["get"], CONTENT_TYPE, body)

    assert seen["origin"] == site.origin and seen["pageUrl"] == _page(site.origin)
    assert "rejected" not in seen["put"], (seen["put"], seen["console"])
    assert seen["put"]["status"] == 200
    stored = site.stored(key)
    assert stored == {"body": body, "etag": stored and stored["etag"], "type": CONTENT_TYPE}
    assert seen["put"]["etag"] is not None, "ETag is not exposed to JavaScript: " + json.dumps(seen["console"])
    assert seen["put"]["etag"] == stored["etag"]
    assert "rejected" not in seen["get"], (seen["get"], seen["console"])
    assert seen["get"]["status"] == 200
    assert base64.b64decode(seen["get"]["body"]) == body


@pytest.mark.parametrize("which", ["another origin", "http://"])
def test_other_origins_are_refused_by_the_browser_and_leave_no_object(
    browser: BrowserJudge, site: Site, which: str
) -> None:
    origin = FOREIGN_ORIGIN if which == "another origin" else site.origin.replace("https://", "http://", 1)
    key = f"uploads/browser/refused-{secrets.token_hex(4)}.png"
    existing = f"uploads/browser/existing-{secrets.token_hex(4)}.png"
    site.rgw.client().put_object(Bucket=site.bucket, Key=existing, Body=b"the app's", ContentType=CONTENT_TYPE)
    put_urls, get_urls = site.signed(key), site.signed(existing)

    seen = browser.visit(_page(origin), put_urls["put"], get_urls["get"], CONTENT_TYPE, b"not allowed")

    assert seen["origin"] == origin and seen["pageUrl"] == _page(origin)
    assert seen["put"] == {"rejected": "TypeError: Failed to fetch"}, seen
    assert seen["get"] == {"rejected": "TypeError: Failed to fetch"}, seen
    refusals = [m for m in seen["console"] if f"from origin '{origin}' has been blocked by CORS policy" in m]
    assert len(refusals) == 2, seen["console"]
    assert any("Response to preflight request doesn't pass access control check" in m for m in refusals), refusals
    assert site.stored(key) is None, "the refused PUT left an object"
    assert site.stored(existing)["body"] == b"the app's"
