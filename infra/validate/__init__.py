"""`python -m infra.validate`: prove a deployed bucket works end to end, or say exactly why not.

The Python equivalent of the guide's `pnpm validate:s3`, for every provider. Modules,
one job each: `inputs` (where the STORAGE_* values come from), `config` (the
Configuration check: values -> `Target`), `client` (boto3 set up for any S3-compatible
provider), `plain_http` (signed URLs and CORS preflights, as a browser sends them), `classify` (an
error -> the guide's troubleshooting class), `probes` (the objects a run creates and
their clean-up), `checks` (the ten checks), `runner` (order, timing, timeouts,
Ctrl-C), `fresh_key` (waiting, within the timeout, for a just-created key to become known), `report` (the boxed report and JSON, secrets redacted) and `cli`.
"""
