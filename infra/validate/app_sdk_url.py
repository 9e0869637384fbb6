"""The signed PUT URL exactly as the app's SDK makes it without the checksum settings.

The AWS SDK for JavaScript v3 (since 3.729.0, `requestChecksumCalculation` WHEN_SUPPORTED
by default) signs a PutObject with no body: it computes the CRC32 of an empty body and its
presigner moves the checksum headers into the signed query, so the URL carries
`x-amz-checksum-crc32=AAAAAA==&x-amz-sdk-checksum-algorithm=CRC32`. Providers that check
it (R2 among them) hold the real upload to that checksum and refuse it.

botocore makes the same two values when given the checksum parameters, but signs them as
headers; `_hoist_checksums` moves them into the query before signing, as the JS presigner
does. tests/validate/test_validate_checksum.py compares the result with the JS SDK's own URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

CHECKSUM_ALGORITHM = "CRC32"
CHECKSUM_HEADERS = ("x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm")
_EVENT = "before-sign.s3.PutObject"
_HANDLER_ID = "raptscallions-app-sdk-checksum-query"


def empty_body_crc32() -> str:
    """The CRC32 (base64) of an empty body: what the JS SDK bakes into every signed PUT."""
    from botocore.httpchecksum import Crc32Checksum

    return Crc32Checksum().b64digest()


def _hoist_checksums(request: Any, signature_version: str = "", **_: Any) -> None:
    """Move the checksum headers into the query of a presigned (query-signed) request."""
    if not str(signature_version).endswith("-query"):
        return
    moved = {name: request.headers[name] for name in CHECKSUM_HEADERS if name in request.headers}
    for name in moved:
        del request.headers[name]
    if moved:
        request.url += ("&" if "?" in request.url else "?") + urlencode(moved)


def app_sdk_put_url(client: Any, bucket: str, key: str, content_type: str, expires_in: int) -> str:
    """A signed PutObject URL carrying the empty-body checksum in its query, as the app's SDK signs it."""
    events = client.meta.events
    events.register(_EVENT, _hoist_checksums, unique_id=_HANDLER_ID)
    try:
        return client.generate_presigned_url(
            "put_object",
            Params={
                "Bucket": bucket,
                "Key": key,
                "ContentType": content_type,
                "ChecksumAlgorithm": CHECKSUM_ALGORITHM,
                "ChecksumCRC32": empty_body_crc32(),
            },
            ExpiresIn=expires_in,
        )
    finally:
        events.unregister(_EVENT, unique_id=_HANDLER_ID)
