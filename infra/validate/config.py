"""The Configuration check: raw STORAGE_* values -> a `Target`, or every problem at once.

Names, the required set and defaults come from `infra.guide.contract`; origins are
judged by `infra.guide.cors.origin_problem`. Problems name the variable and the fix,
and never quote the secret key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from infra.guide import contract
from infra.guide.cors import origin_problem
from infra.providers.registry import provider_for_endpoint
from infra.validate.inputs import Inputs


@dataclass(frozen=True)
class Target:
    """The bucket to validate and how to reach it."""

    bucket: str
    region: str
    access_key_id: str
    secret_access_key: str
    endpoint: str | None
    """None for AWS, where boto3 picks the regional endpoint as the app's SDK does."""
    signed_url_expiration: int
    origins: tuple[str, ...]
    request_checksums: str = contract.CHECKSUM_VALUES[0]
    """The app SDK's AWS_REQUEST_CHECKSUM_CALCULATION as the validated environment sets it
    (upper-case); unset means the SDK's default, WHEN_SUPPORTED."""

    @property
    def app_bakes_checksums(self) -> bool:
        """True when the app's SDK puts an empty-body CRC32 into its signed PUT URLs."""
        return self.request_checksums != contract.CHECKSUM_WHEN_REQUIRED

    @property
    def provider(self) -> str:
        """A display name: the provider owning the endpoint, or the endpoint's host."""
        spec = provider_for_endpoint(self.endpoint)
        if spec is not None:
            return spec.display_name
        return f"S3-compatible ({urlsplit(self.endpoint or '').netloc})"


class ConfigurationProblems(Exception):
    """The configuration cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def endpoint_problem(endpoint: str) -> str | None:
    """Why `endpoint` is not a bare http(s) URL (scheme://host[:port]), or None."""
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return "is not a valid URL; write it as https://host[:port]"
    if parts.username is not None or parts.password is not None:
        return "must not contain a user name or password (credentials go in the access key variables)"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{endpoint!r} must be an http(s) URL such as https://nyc3.digitaloceanspaces.com"
    if parts.path not in ("", "/"):
        return f"{endpoint!r} must have no path: put the bucket in {contract.BUCKET}, not in the endpoint"
    if parts.query or parts.fragment or endpoint.endswith(("?", "#")):
        return f"{endpoint!r} must have no query or fragment"
    return None


_BUCKET = re.compile(r"[a-zA-Z0-9._-]{1,255}")
"""What botocore lets through as a bucket name (any stricter rule is the provider's to judge)."""
_TOKEN = re.compile(r"[\x21-\x7e]+")
"""Printable ASCII without spaces: what may stand in a signed request's Authorization header."""
_HEADER_TEXT = re.compile(r"[\x20-\x7e]+")
"""Printable ASCII: what an HTTP header value (the preflight's Origin) can carry unchanged."""


def _positive_int(name: str, raw: str, problems: list[str]) -> int:
    value = raw.strip() or (contract.variable(name).default or "")
    problem = contract.integer_problem(value)
    if problem is None:
        return int(value)
    problems.append(f"{name} {problem}, got {_shown(raw)}")
    return 0


def _shown(raw: str) -> str:
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


def _wire_problems(inputs: Inputs) -> list[str]:
    """Values the S3 client would send as they are: refused here, so a bad one is a configuration
    problem (exit 2) and never an exception from deep inside a check (exit 1 "unexpected")."""
    problems = []
    bucket = inputs.get(contract.BUCKET)
    if bucket.strip() and bucket == bucket.strip() and not _BUCKET.fullmatch(bucket):
        problems.append(
            f"{contract.BUCKET} {_shown(bucket)} is not a bucket name: use the bucket's name only "
            "(letters, digits, '.', '-', '_'; no path, spaces or control characters)"
        )
    key_id = inputs.get(contract.ACCESS_KEY_ID)
    if key_id.strip() and key_id == key_id.strip() and not _TOKEN.fullmatch(key_id):
        problems.append(
            f"{contract.ACCESS_KEY_ID} contains a space, control or non-ASCII character; copy the key id exactly"
        )
    return problems


def _region_matching(region: str, endpoint: str) -> list[str]:
    """The guide's Region Matching rule: STORAGE_S3_REGION must be the region the endpoint names.
    What each provider's endpoint names is the provider's knowledge (`ProviderSpec.app_region_problem`)."""
    spec = provider_for_endpoint(endpoint)
    if spec is None or not region.strip() or region != region.strip():
        return []  # an unknown S3-compatible host names no region we know; blanks are reported above
    problem = spec.app_region_problem(region, (urlsplit(endpoint).hostname or "").lower())
    if problem is None:
        return []
    return [
        f"{contract.REGION} {region!r} does not match {contract.ENDPOINT} {endpoint}: {problem}. "
        "The guide's Region Matching rule: the region must match the endpoint's; fix whichever of the two is wrong"
    ]


def load_target(inputs: Inputs) -> Target:
    """The validated target; ConfigurationProblems listing every problem otherwise."""
    problems: list[str] = []
    for name in contract.REQUIRED_NAMES:
        raw = inputs.get(name)
        shown = "its value" if name in contract.SECRET_NAMES else repr(raw)
        if not raw.strip():
            problems.append(f"{name} is not set ({contract.variable(name).description.rstrip('.')})")
        elif raw != raw.strip():
            problems.append(f"{name} has leading or trailing whitespace in {shown}; remove it")
    backend = inputs.get(contract.BACKEND).strip()
    if backend and backend != contract.BACKEND_VALUE:
        problems.append(
            f"{contract.BACKEND} is {backend!r}; set it to {contract.BACKEND_VALUE!r} so the app uses S3 storage"
        )
    endpoint = inputs.get(contract.ENDPOINT).strip()
    if endpoint:
        problem = endpoint_problem(endpoint)
        if problem:
            problems.append(f"{contract.ENDPOINT} {problem}")
        else:
            problems += _region_matching(inputs.get(contract.REGION), endpoint)
    expiration = _positive_int(contract.SIGNED_URL_EXPIRATION, inputs.get(contract.SIGNED_URL_EXPIRATION), problems)
    for name in (contract.MAX_FILE_SIZE, contract.QUOTA):
        _positive_int(name, inputs.get(name), problems)
    problems += _wire_problems(inputs)
    for variable in contract.SDK_VARIABLES:
        raw = inputs.get(variable.name).strip()
        if raw and raw.upper() not in contract.CHECKSUM_VALUES:
            problems.append(
                f"{variable.name} is {_shown(raw)}; the app's SDK accepts only {' or '.join(contract.CHECKSUM_VALUES)} "
                f"(set {variable.default}, as `python -m infra.dotenv` writes it)"
            )
    for origin in inputs.origins:
        problem = origin_problem(origin, production=False)
        if problem is None and not _HEADER_TEXT.fullmatch(origin):  # the preflight sends it as a header
            problem = (
                "contains a control or non-ASCII character, which no browser sends in an Origin header "
                "(write international hosts as punycode)"
            )
        if problem:
            problems.append(f"CORS origin {origin!r} (from {inputs.origins_source}) {problem}")
    if problems:
        raise ConfigurationProblems(problems)
    return Target(
        bucket=inputs.get(contract.BUCKET),
        region=inputs.get(contract.REGION),
        access_key_id=inputs.get(contract.ACCESS_KEY_ID),
        secret_access_key=inputs.get(contract.SECRET_ACCESS_KEY),
        endpoint=endpoint.rstrip("/") or None,
        signed_url_expiration=expiration,
        origins=tuple(dict.fromkeys(inputs.origins)),
        request_checksums=inputs.get(contract.REQUEST_CHECKSUM).strip().upper() or contract.CHECKSUM_VALUES[0],
    )
