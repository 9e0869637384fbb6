"""A boto3 S3 client that behaves like the app's SDK on every S3-compatible provider.

- Custom endpoints (Spaces, B2, R2, MinIO) get path-style addressing; AWS keeps
  virtual-hosted URLs, as the guide says the app does.
- Checksums only `when_required`: newer botocore adds CRC32 checksums by default,
  which B2, R2 and Spaces reject or mishandle.
- SigV4 everywhere (R2 accepts nothing else) and no retries, so each check times one
  honest attempt, bounded by the run's timeout.
- Only STORAGE_* values are used: AWS_* variables and ~/.aws files on this machine
  (a profile, an endpoint override) must not change what is validated.
"""

from __future__ import annotations

import os
from typing import Any

from infra.validate.config import Target

PATH_STYLE = "path"
VIRTUAL_STYLE = "virtual"
CHECKSUM_MODE = "when_required"


def botocore_config(target: Target, timeout: float) -> Any:
    from botocore.config import Config

    return Config(
        signature_version="s3v4",
        s3={"addressing_style": PATH_STYLE if target.endpoint else VIRTUAL_STYLE},
        request_checksum_calculation=CHECKSUM_MODE,
        response_checksum_validation=CHECKSUM_MODE,
        connect_timeout=timeout,
        read_timeout=timeout,
        retries={"total_max_attempts": 1},
        ignore_configured_endpoint_urls=True,
        user_agent_extra="raptscallions-validate",
    )


def _isolated_session() -> Any:
    """A botocore session that reads no AWS_* variable and no ~/.aws file."""
    import botocore.session
    from botocore.configprovider import BOTOCORE_DEFAUT_SESSION_VARIABLES

    isolated = {
        name: (config_name, None, default, conversion)
        for name, (config_name, _env, default, conversion) in BOTOCORE_DEFAUT_SESSION_VARIABLES.items()
    }
    isolated["config_file"] = (None, None, os.devnull, None)
    isolated["credentials_file"] = (None, None, os.devnull, None)
    isolated["profile"] = (None, None, None, None)
    return botocore.session.Session(session_vars=isolated)


def s3_client(target: Target, timeout: float) -> Any:
    """The S3 client for `target`, with its credentials and nothing else."""
    return _isolated_session().create_client(
        "s3",
        region_name=target.region,
        endpoint_url=target.endpoint,
        aws_access_key_id=target.access_key_id,
        aws_secret_access_key=target.secret_access_key,
        config=botocore_config(target, timeout),
    )
