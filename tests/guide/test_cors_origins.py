"""CORS origins: only what a browser really sends may be allowed, judged by one function.

S3-compatible services compare a preflight's `Origin` header with the allowed origins
literally, and a browser sends its page's serialized origin (lowercase scheme and host,
IDN as punycode, default port omitted, no path). Any other spelling silently refuses the
real app, so settings, the policy pack and the validator all refuse it, with the same
words, and say what the browser sends instead. The effect on a real S3 (LocalStack) is in
test_cors_origins_localstack.py.
"""

from __future__ import annotations

import functools
import re
import string
from typing import Any

import idna
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from infra.guide.cors import browser_origin, origin_problem
from infra.offline.harness import Plan, run_plan
from infra.settings.problems import SettingsError
from infra.stack.load import load_settings
from infra.validate import inputs
from infra.validate.config import ConfigurationProblems, load_target
from tests.support.policy_support import edit, violations

AWS_CORS = "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration"
AWS = {"provider": "aws", "bucketName": "raptscallions-prod", "region": "us-east-1"}

# (what a user typed, what a browser on that page sends) — every class of mis-spelling.
MISSPELLED: list[tuple[str, str | None]] = [
    ("https://app.example.com:443", "https://app.example.com"),
    ("http://localhost:80", "http://localhost"),
    ("https://app.example.com:0443", "https://app.example.com"),
    ("https://app.example.com:08443", "https://app.example.com:8443"),
    ("https://app.example.com:", "https://app.example.com"),
    ("https://App.Example.com", "https://app.example.com"),
    ("https://APP.EXAMPLE.COM", "https://app.example.com"),
    ("HTTPS://app.example.com", "https://app.example.com"),
    ("Https://app.example.com", "https://app.example.com"),
    ("https://bücher.example", "https://xn--bcher-kva.example"),
    ("https://BÜCHER.example", "https://xn--bcher-kva.example"),
    ("https://münchen.de:8443", "https://xn--mnchen-3ya.de:8443"),
    ("https://例え.jp", "https://xn--r8jz45g.jp"),
    ("https://app\t.example.com", "https://app.example.com"),
    ("https://app\n.example.com", "https://app.example.com"),
    ("https://app.example.com\r\n", "https://app.example.com"),
    ("https://app\x00.example.com", None),
    ("https://app\x7f.example.com", None),
    ("https://app\u200b.example.com", "https://app.example.com"),
    ("https://app\u00ad.example.com", "https://app.example.com"),
    ("https://app.example.com\ufeff", "https://app.example.com"),
    ("\ufeffhttps://app.example.com", None),
    ("https://app\u2060.example.com", "https://app.example.com"),
    ("https://app.example.com\u00a0", None),
    ("https://app.example.com\\", "https://app.example.com"),
    ("https:\\\\app.example.com", "https://app.example.com"),
    ("https://%61pp.example.com", "https://app.example.com"),
    ("https://app.example.com%2f", None),
    (" https://app.example.com", "https://app.example.com"),
    ("https://app.example.com ", "https://app.example.com"),
    ("https://app.example.com/", "https://app.example.com"),
    ("https://app.example.com/path", "https://app.example.com"),
    ("https://app.example.com?x=1", "https://app.example.com"),
    ("https://app.example.com#top", "https://app.example.com"),
    ("https://user@app.example.com", "https://app.example.com"),
    ("https://user:pw@app.example.com", "https://app.example.com"),
    ("https:app.example.com", "https://app.example.com"),
    ("https:///app.example.com", "https://app.example.com"),
    ("http://127.1:3000", "http://127.0.0.1:3000"),
    ("http://0x7f.0.0.1:3000", "http://127.0.0.1:3000"),
    ("http://[0:0:0:0:0:0:0:1]:3000", "http://[::1]:3000"),
    ("https://app..example.com", None),
    ("https://-app.example.com", None),
    ("https://app.example.com:99999", None),
    ("https://app.example.com:x", None),
    ("ftp://app.example.com", None),
    ("app.example.com", None),
    ("https://", None),
    ("https://[::1", None),
]

HIDDEN = ["\t", "\n", "\r", "\x00", "\x1f", "\x7f", " ", "\u00a0", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
          "\u00ad", "\u202e", "\u2028", "\u3000", "%", "\\"]


@pytest.mark.parametrize(("typed", "sent"), MISSPELLED, ids=[repr(t) for t, _ in MISSPELLED])
@pytest.mark.parametrize("production", [True, False], ids=["prod", "dev"])
def test_an_origin_no_browser_sends_is_refused_naming_what_it_sends(typed: str, sent: str | None, production: bool) -> None:
    assert browser_origin(typed) == sent
    problem = origin_problem(typed, production=production)
    assert problem is not None
    if sent is not None:
        assert f"'Origin: {sent}'" in problem


@pytest.mark.parametrize(
    "origin",
    ["https://app.example.com", "https://app.example.com:8443", "https://xn--bcher-kva.example", "https://a-b.c-d.example",
     "https://app.example.com.", "https://127.0.0.1", "https://[::1]:8443", "https://my_host.example.com"],
)
def test_an_exact_browser_origin_is_allowed(origin: str) -> None:
    assert browser_origin(origin) == origin
    assert origin_problem(origin, production=True) is None


# --- properties: a class, not a list -------------------------------------------------------

label = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12)
# A last label that reads as a number (decimal, or hex such as 0x1f) makes the host an IPv4 address.
hosts = st.lists(label, min_size=1, max_size=4).map(".".join).filter(
    lambda h: not re.fullmatch(r"[0-9]+|0x[0-9a-f]*", h.rsplit(".", 1)[-1])
)
ports = st.one_of(st.none(), st.integers(min_value=1, max_value=65535).filter(lambda p: p != 443))
canonical = st.builds(lambda host, port: f"https://{host}" + (f":{port}" if port else ""), hosts, ports)


@given(canonical)
def test_every_canonical_https_origin_is_allowed_and_is_its_own_serialization(origin: str) -> None:
    assert browser_origin(origin) == origin
    assert origin_problem(origin, production=True) is None


@given(canonical, st.sampled_from(HIDDEN), st.data())
@example("https://app.example.com", "\t", None)
@example("https://ab.9f.example", "%", None)  # '%9f' is not UTF-8: the percent-decoding must refuse, not raise
def test_a_hidden_character_anywhere_is_refused(origin: str, hidden: str, data: Any) -> None:
    """Checked on the raw text: urlsplit would silently drop a tab or newline."""
    position = data.draw(st.integers(0, len(origin))) if data is not None else 11
    spoiled = origin[:position] + hidden + origin[position:]
    for production in (True, False):
        assert origin_problem(spoiled, production=production) is not None


@given(canonical, st.data())
def test_any_uppercase_letter_is_refused_and_the_lowercase_origin_named(origin: str, data: Any) -> None:
    letters = [i for i, c in enumerate(origin) if c.isalpha()]
    position = data.draw(st.sampled_from(letters))
    shouted = origin[:position] + origin[position].upper() + origin[position + 1:]
    problem = origin_problem(shouted, production=True)
    assert problem is not None and f"'Origin: {origin}'" in problem


@given(canonical, st.sampled_from([":443", "/", "/x", "?", "#", ":"]))
def test_a_default_port_or_any_path_is_refused_and_the_bare_origin_named(origin: str, suffix: str) -> None:
    if suffix in (":443", ":") and origin.count(":") == 2:
        suffix = "/"  # the origin already has a port
    problem = origin_problem(origin + suffix, production=True)
    assert problem is not None and f"'Origin: {origin}'" in problem


@given(st.lists(st.text(alphabet="abcdüößéçñ例え", min_size=1, max_size=8), min_size=1, max_size=3).map(".".join))
def test_an_unicode_host_must_be_written_as_the_browsers_punycode(host: str) -> None:
    try:
        ascii_host = idna.encode(host, uts46=True).decode()
    except idna.IDNAError:
        assert origin_problem(f"https://{host}", production=True) is not None
        return
    assert browser_origin(f"https://{host}") == f"https://{ascii_host}"
    assert origin_problem(f"https://{ascii_host}", production=True) is None
    if ascii_host != host:
        assert f"'Origin: https://{ascii_host}'" in (origin_problem(f"https://{host}", production=True) or "")


@given(st.text(max_size=40))
@example("https://app.example.com\t")
@example("https://App.example.com")
def test_whatever_is_allowed_is_exactly_what_a_browser_sends(text: str) -> None:
    """The rule in one line: accepted implies unchanged by the browser's serialization."""
    for production in (True, False):
        if origin_problem(text, production=production) is None:
            assert browser_origin(text) == text
    sent = browser_origin(text)
    if sent is not None:
        assert browser_origin(sent) == sent


# --- one judge: settings, the policy pack and the validator say the same ------------------

REFUSED_EVERYWHERE = [typed for typed, _ in MISSPELLED if "\x00" not in typed] + ["*", "https://*.example.com"]


def settings_problem(origin: str, stack: str = "prod") -> str | None:
    try:
        load_settings({**AWS, "corsAllowedOrigins": [origin]}, stack=stack)
    except SettingsError as error:
        return next(p.message for p in error.problems if p.key == "corsAllowedOrigins")
    return None


def validator_problem(origin: str) -> str | None:
    values = {
        "STORAGE_BACKEND": "s3", "STORAGE_S3_BUCKET": "b", "STORAGE_S3_REGION": "us-east-1",
        "STORAGE_S3_ACCESS_KEY_ID": "AKIAEXAMPLE", "STORAGE_S3_SECRET_ACCESS_KEY": "not-a-real-secret",
    }
    try:
        load_target(inputs.Inputs(values, "test", (origin,), "--origin"))
    except ConfigurationProblems as error:
        return next((p for p in error.problems if "CORS origin" in p), None)
    return None


@functools.cache
def plan_in(environment: str) -> Plan:
    plan = run_plan("prod", config_overrides={"environment": environment})
    assert plan.error is None, plan.error
    return plan


def pack_problem(origin: str, environment: str = "prod", config: dict[str, Any] | None = None) -> str | None:
    def change(wire: dict[str, Any]) -> None:
        wire["corsRules"][0]["allowedOrigins"] = [origin]

    found = violations(edit(plan_in(environment), AWS_CORS, change), config).get("storage-cors-origins")
    return found[0] if found else None


@pytest.mark.parametrize("origin", REFUSED_EVERYWHERE, ids=repr)
def test_settings_pack_and_validator_refuse_with_the_same_words(origin: str) -> None:
    expected = origin_problem(origin, production=True)
    assert expected is not None
    assert settings_problem(origin) == f"{origin!r} {expected}"
    assert f"{origin!r} {expected}" in (pack_problem(origin) or "")
    in_validator = validator_problem(origin)
    assert in_validator is not None and origin_problem(origin, production=False) in in_validator


ENVIRONMENTS = ["prod", "production", "staging", "dev", "qa"]
OUTSIDE_PROD_CASES = [
    ("*", {}),
    ("https://*.example.com", {}),
    ("https://*", {}),
    ("http://localhost:3000", {"staging", "dev", "qa"}),
    ("http://127.0.0.1:5173", {"staging", "dev", "qa"}),
    ("http://[::1]:8080", {"staging", "dev", "qa"}),
    ("http://localhost", {"staging", "dev", "qa"}),
    ("http://app.example.com", {}),
    ("https://app.example.com", set(ENVIRONMENTS)),
    ("https://localhost:3000", set(ENVIRONMENTS)),
]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize(("origin", "allowed_in"), OUTSIDE_PROD_CASES, ids=[o for o, _ in OUTSIDE_PROD_CASES])
def test_one_behaviour_per_environment_in_settings_and_pack(origin: str, allowed_in: set[str], environment: str) -> None:
    """`*` and wildcard hosts nowhere; http://localhost outside prod only; exact https everywhere."""
    allowed = environment in allowed_in
    assert (settings_problem(origin, stack=environment) is None) is allowed
    assert (pack_problem(origin, environment) is None) is allowed


def test_a_team_pattern_narrows_the_pack_per_environment_without_loosening_it() -> None:
    strict_dev = {"storage-cors-origins": {"environments": {"dev": {"allowedOriginPattern": "^https://"}}}}
    assert "does not match the allowed origin pattern" in (pack_problem("http://localhost:3000", "dev", strict_dev) or "")
    assert pack_problem("http://localhost:3000", "qa", strict_dev) is None
    anything = {"storage-cors-origins": {"allowedOriginPattern": ".*"}}
    assert pack_problem("https://App.Example.com", "dev", anything) is not None
    assert pack_problem("*", "dev", anything) is not None
