"""The Backblaze B2 regions, as they appear in B2's S3 endpoints (`s3.<region>.backblazeb2.com`).

A B2 account lives in one region, chosen at sign-up, and its S3 endpoint names the region's
cluster: `us-west-000`, `-001`, `-002` and `-004` (US West), `eu-central-003` (EU Central),
`us-east-005` (US East) and `ca-east-006` (CA East). Sources:

- Backblaze's "Data Regions" page, https://www.backblaze.com/docs/cloud-storage-data-regions,
  with its endpoints s3.us-west-000/001/002, s3.eu-central-003 and s3.us-east-005
  (quoted in iterate-ch/profiles#80, 2024);
- Backblaze's "Introduction to the S3-Compatible API" (www.backblaze.com/apidocs/introduction-to-the-s3-compatible-api):
  "<region> is similar to us-west-004", and the app's guide naming s3.us-west-004;
- Backblaze's blog "Network Stats: Launching the CA-East Region in Canada"
  (www.backblaze.com/blog/network-stats-launching-the-ca-east-region-in-canada/) for CA East,
  whose cluster is `ca-east-006` (endpoint s3.ca-east-006.backblazeb2.com);
- b2sdk's `s3ApiUrl` construction (Backblaze/b2-sdk-python#200) for the cluster numbering.

Updating: when Backblaze opens a region or cluster, add the region part of its endpoint here
(from the bucket's "Endpoint" in the B2 web console, or `s3ApiUrl` of `b2_authorize_account`);
until then a stack naming it is refused, with this file named in the error. The deploy-time
check that `region` is the account's own (backblaze/bucket_provider.py) stays as it is.
"""

from __future__ import annotations

B2_REGIONS = frozenset(
    {"us-west-000", "us-west-001", "us-west-002", "us-west-004", "eu-central-003", "us-east-005", "ca-east-006"}
)
SOURCE = "Backblaze's Data Regions page and S3 endpoints, listed in infra/providers/backblaze/regions.py"
