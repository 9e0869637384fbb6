"""The declared lifecycle rules, executed by a real S3 engine (Ceph RGW), do what the guide wants.

The AWS and Spaces components are planned (Pulumi mocks) with small day counts; their
declared lifecycle inputs are translated to the S3 documents the providers send and put
on versioned RGW buckets whose lifecycle "day" lasts a few seconds. Then object versions
are listed over time: files under the soft-delete prefix expire after `softDeleteDays`,
noncurrent versions after `noncurrentVersionDays`, unfinished multipart uploads are
aborted after `abortIncompleteMultipartDays`, expired delete markers are cleaned up, and
every current object outside the soft-delete folder — including `deleted-report.pdf`,
which merely starts with "deleted" — is there in every listing, to the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from infra.guide.lifecycle import LifecyclePolicy
from infra.offline.harness import Plan, run_plan
from tests.support.policy_support import app_part
from tests.support.rgw_server import Rgw
from tests.support.s3_documents import pulumi_rules_as_s3_api, s3_lifecycle_configuration, s3_lifecycle_from_spaces_rules
from tests.support.s3_servers import unique_bucket

SOFT_DELETE_DAYS, NONCURRENT_DAYS, ABORT_DAYS = 2, 1, 1
SMALL_DAYS = {
    "softDeleteDays": str(SOFT_DELETE_DAYS),
    "noncurrentVersionDays": str(NONCURRENT_DAYS),
    "abortIncompleteMultipartDays": str(ABORT_DAYS),
}
POLICY = LifecyclePolicy(
    soft_delete_days=SOFT_DELETE_DAYS, abort_multipart_days=ABORT_DAYS, noncurrent_version_days=NONCURRENT_DAYS
)
SOFT_DELETED = "deleted/old-avatar.png"
KEPT = {
    "uploads/u1/report.pdf": b"%PDF current, never to be removed",
    "deleted-report.pdf": b"starts with 'deleted' but is not in the folder",
    "deletedfiles/x.txt": b"neither is this",
}
OVERWRITTEN = "uploads/u1/avatar.png"
MARKED = "uploads/u1/removed.txt"
MULTIPART = "uploads/u1/big-video.mp4"
WATCH_DAYS = SOFT_DELETE_DAYS + 3
DEADLINE_SECONDS = 150
"""Generous: every event is due within ~4 lifecycle days plus RGW's LC passes."""


def aws_lifecycle(plan: Plan) -> dict[str, Any]:
    return pulumi_rules_as_s3_api(app_part(plan).one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"])


def spaces_lifecycle(plan: Plan) -> dict[str, Any]:
    return s3_lifecycle_from_spaces_rules(app_part(plan).one("digitalocean:index/spacesBucket:SpacesBucket").inputs["lifecycleRules"])


STACKS: dict[str, tuple[str, Callable[[Plan], dict[str, Any]]]] = {
    "aws": ("prod", aws_lifecycle),
    "spaces": ("spaces-staging", spaces_lifecycle),
}


def whole_numbers(value: Any) -> Any:
    """Numbers come from the engine as floats; the S3 API takes integers."""
    if isinstance(value, dict):
        return {k: whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [whole_numbers(v) for v in value]
    return int(value) if isinstance(value, float) and value.is_integer() else value


@dataclass
class Timeline:
    """What one bucket looked like over time, and when each expected clean-up was first seen."""

    bucket: str
    put_at: float
    overwritten_at: float
    marked_at: float
    stored_rules: list[dict[str, Any]]
    events: dict[str, float] = field(default_factory=dict)
    listings: int = 0
    kept_missing: dict[str, float] = field(default_factory=dict)
    """Kept files found missing, with the lifecycle day each was first missed."""


def set_up(rgw: Rgw, lifecycle: dict[str, Any]) -> Timeline:
    s3 = rgw.client()
    bucket = rgw.create_bucket(unique_bucket("lifecycle"), versioned=True)
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=whole_numbers(lifecycle))
    put_at = time.monotonic()
    s3.put_object(Bucket=bucket, Key=SOFT_DELETED, Body=b"the app moved this here")
    for key, body in KEPT.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    s3.put_object(Bucket=bucket, Key=OVERWRITTEN, Body=b"v1")
    s3.put_object(Bucket=bucket, Key=MARKED, Body=b"to be deleted")
    upload = s3.create_multipart_upload(Bucket=bucket, Key=MULTIPART)
    s3.upload_part(Bucket=bucket, Key=MULTIPART, UploadId=upload["UploadId"], PartNumber=1, Body=b"part")
    overwritten_at = time.monotonic()
    s3.put_object(Bucket=bucket, Key=OVERWRITTEN, Body=b"v2")
    marked_at = time.monotonic()
    s3.delete_object(Bucket=bucket, Key=MARKED)
    stored = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    return Timeline(bucket, put_at, overwritten_at, marked_at, stored)


def observe(rgw: Rgw, timeline: Timeline, now: float) -> None:
    """One listing of every version, delete marker and upload; note what has been cleaned up."""
    s3 = rgw.client()
    listed = s3.list_object_versions(Bucket=timeline.bucket)
    versions = [(v["Key"], v["IsLatest"]) for v in listed.get("Versions", [])]
    markers = [m["Key"] for m in listed.get("DeleteMarkers", [])]
    uploads = s3.list_multipart_uploads(Bucket=timeline.bucket).get("Uploads", [])
    timeline.listings += 1
    for key in KEPT:
        if (key, True) not in versions:
            timeline.kept_missing.setdefault(key, round((now - timeline.put_at) / rgw.lc_day_seconds, 1))
    facts = {
        "soft-deleted expired": (SOFT_DELETED, True) not in versions,
        "soft-deleted gone entirely": SOFT_DELETED not in {k for k, _ in versions} | set(markers),
        "noncurrent version removed": versions.count((OVERWRITTEN, False)) == 0 and (OVERWRITTEN, True) in versions,
        "delete marker cleaned up": MARKED not in markers and MARKED not in {k for k, _ in versions},
        "multipart upload aborted": not uploads,
    }
    for event, happened in facts.items():
        if happened:
            timeline.events.setdefault(event, now)


@pytest.fixture(scope="module")
def timelines(rgw: Rgw) -> dict[str, Timeline]:
    """Both stacks' rules on their own buckets, watched together until every clean-up happened."""
    started = {name: set_up(rgw, render(run_plan(stack, config_overrides=SMALL_DAYS))) for name, (stack, render) in STACKS.items()}
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        now = time.monotonic()
        for timeline in started.values():
            observe(rgw, timeline, now)
        if all(len(t.events) == 5 for t in started.values()) or now > deadline:
            break
        time.sleep(0.5)
    # Watch on until well past the longest rule, so a rule that wrongly expires a kept
    # file (a prefix without its slash, an expiry over the whole bucket) has had its chance.
    last_put = max(t.put_at for t in started.values())
    settle = min(deadline, last_put + WATCH_DAYS * rgw.lc_day_seconds)
    while time.monotonic() < settle:
        for timeline in started.values():
            observe(rgw, timeline, time.monotonic())
        time.sleep(0.5)
    return started


def as_filters(rules: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Rules by ID, a whole-bucket rule spelled one way.

    RGW reads a `Filter: {}` rule back as the legacy top-level `Prefix: ""` (AWS returns
    the `Filter` it was given); both mean "the whole bucket".
    """
    normalised = {}
    for rule in rules:
        rule = dict(rule)
        if "Prefix" in rule:
            rule["Filter"] = {"Prefix": rule.pop("Prefix")}
        rule["Filter"] = rule.get("Filter") or {"Prefix": ""}
        normalised[rule["ID"]] = rule
    return normalised


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_rgw_stores_the_guides_rules_with_the_small_day_counts(timelines: dict[str, Timeline], stack: str) -> None:
    assert as_filters(timelines[stack].stored_rules) == as_filters(s3_lifecycle_configuration(POLICY)["Rules"])


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_every_clean_up_the_guide_wants_happens(timelines: dict[str, Timeline], stack: str) -> None:
    timeline = timelines[stack]
    assert sorted(timeline.events) == sorted(
        [
            "soft-deleted expired",
            "soft-deleted gone entirely",
            "noncurrent version removed",
            "delete marker cleaned up",
            "multipart upload aborted",
        ]
    ), f"not seen within {DEADLINE_SECONDS}s: {timeline}"


def days_after(timeline: Timeline, event: str, since: float, day_seconds: int) -> float:
    return (timeline.events[event] - since) / day_seconds


# A lower bound only (never an upper one: a loaded machine runs LC later, never earlier).
# Half a day of slack covers the gap between our clock and the object's mtime.
SLACK_DAYS = 0.5


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_soft_deleted_file_expires_after_soft_delete_days_not_before(
    timelines: dict[str, Timeline], stack: str, rgw: Rgw
) -> None:
    timeline = timelines[stack]
    assert days_after(timeline, "soft-deleted expired", timeline.put_at, rgw.lc_day_seconds) >= SOFT_DELETE_DAYS - SLACK_DAYS


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_noncurrent_version_and_upload_wait_their_days(timelines: dict[str, Timeline], stack: str, rgw: Rgw) -> None:
    timeline = timelines[stack]
    day = rgw.lc_day_seconds
    assert days_after(timeline, "noncurrent version removed", timeline.overwritten_at, day) >= NONCURRENT_DAYS - SLACK_DAYS
    assert days_after(timeline, "multipart upload aborted", timeline.put_at, day) >= ABORT_DAYS - SLACK_DAYS
    assert days_after(timeline, "delete marker cleaned up", timeline.marked_at, day) >= NONCURRENT_DAYS - SLACK_DAYS


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_current_files_outside_the_soft_delete_folder_are_never_removed(
    timelines: dict[str, Timeline], stack: str, rgw: Rgw
) -> None:
    timeline = timelines[stack]
    assert timeline.kept_missing == {}, "current files outside deleted/ disappeared (on lifecycle day N)"
    watched_days = (time.monotonic() - timeline.put_at) / rgw.lc_day_seconds
    assert watched_days >= WATCH_DAYS and timeline.listings >= 10
    s3 = rgw.client()
    for key, body in KEPT.items():
        assert s3.get_object(Bucket=timeline.bucket, Key=key)["Body"].read() == body
    assert s3.get_object(Bucket=timeline.bucket, Key=OVERWRITTEN)["Body"].read() == b"v2"


LOG_DAYS = 2
LOG_FILE = "s3-access/2026-12-02-10-00-00-0123456789ABCDEF"
NOT_A_LOG = "s3-accessories/readme.txt"


def test_log_space_rules_expire_log_files_after_access_log_days_and_nothing_else(rgw: Rgw) -> None:
    """The Spaces log Space's declared rules, executed: a log file under the log prefix expires
    after `accessLogDays` (not before); a file outside it (even one sharing its first letters) stays."""
    from infra.providers.access_logging import access_log_bucket_name

    plan = run_plan("spaces-staging", config_overrides={"accessLogDays": str(LOG_DAYS)})
    name = access_log_bucket_name(plan.outputs["STORAGE_S3_BUCKET"])
    [log_space] = [r for r in plan.of_type("digitalocean:index/spacesBucket:SpacesBucket") if r.inputs["name"] == name]
    s3 = rgw.client()
    bucket = rgw.create_bucket(unique_bucket("logs"))
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration=whole_numbers(s3_lifecycle_from_spaces_rules(log_space.inputs["lifecycleRules"]))
    )
    put_at = time.monotonic()
    s3.put_object(Bucket=bucket, Key=LOG_FILE, Body=b"log line")
    s3.put_object(Bucket=bucket, Key=NOT_A_LOG, Body=b"kept")
    expired_at = None
    deadline = put_at + DEADLINE_SECONDS
    settle = put_at + (LOG_DAYS + 3) * rgw.lc_day_seconds
    while time.monotonic() < deadline and (expired_at is None or time.monotonic() < settle):
        keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
        assert NOT_A_LOG in keys, "a file outside the log prefix was expired"
        if expired_at is None and LOG_FILE not in keys:
            expired_at = time.monotonic()
        time.sleep(0.5)
    assert expired_at is not None, f"the log file was not expired within {DEADLINE_SECONDS}s"
    assert (expired_at - put_at) / rgw.lc_day_seconds >= LOG_DAYS - SLACK_DAYS
    assert s3.get_object(Bucket=bucket, Key=NOT_A_LOG)["Body"].read() == b"kept"
