"""Pure B2 rule mapping: lifecycle timing, CORS operations, the app key's capabilities."""

from __future__ import annotations

import pytest

from infra.guide import permissions
from infra.guide.cors import CorsRule
from infra.guide.lifecycle import LifecyclePolicy
from infra.providers.backblaze import rules
from tests.support import b2_rules_reading as reading

ORIGIN = "https://app.example.com"


def test_default_policy_is_one_soft_delete_rule() -> None:
    """No whole-bucket rule: B2 refuses two rules on the same files (tests/support/b2_strict.py)."""
    assert rules.lifecycle_rules(LifecyclePolicy()) == [
        {
            "fileNamePrefix": "deleted/",
            "daysFromUploadingToHiding": 30,
            "daysFromHidingToDeleting": 1,
            "daysFromStartingToCancelingUnfinishedLargeFiles": 7,
        }
    ]


def test_each_app_folder_gets_old_version_and_upload_clean_up_without_hiding_live_files() -> None:
    rendered = rules.lifecycle_rules(LifecyclePolicy(), ("uploads/", "exports/"))
    assert rendered[1:] == [
        {"fileNamePrefix": "uploads/", "daysFromStartingToCancelingUnfinishedLargeFiles": 7, "daysFromHidingToDeleting": 30},
        {"fileNamePrefix": "exports/", "daysFromStartingToCancelingUnfinishedLargeFiles": 7, "daysFromHidingToDeleting": 30},
    ]
    assert rules.overlapping_prefixes(r["fileNamePrefix"] for r in rendered) == []
    assert reading.app_prefixes_of(rendered) == ("exports/", "uploads/")


def test_settings_flow_into_the_rules_and_read_back_to_the_same_policy() -> None:
    policy = LifecyclePolicy(soft_delete_prefix="trash/", soft_delete_days=14, abort_multipart_days=2, noncurrent_version_days=3)
    rendered = rules.lifecycle_rules(policy, ("uploads/",))
    assert rendered[0]["fileNamePrefix"] == "trash/" and rendered[0]["daysFromUploadingToHiding"] == 14
    assert rendered[1]["daysFromHidingToDeleting"] == 3
    assert {r["daysFromStartingToCancelingUnfinishedLargeFiles"] for r in rendered} == {2}
    assert reading.lifecycle_policy_of(rendered) == policy


def test_without_app_folders_or_old_versions_no_rule_deletes_hidden_versions_outside_the_soft_delete_folder() -> None:
    """What the rules do is what the inverse reads: no old-version clean-up (the documented gap)."""
    assert reading.lifecycle_policy_of(rules.lifecycle_rules(LifecyclePolicy())) == LifecyclePolicy(noncurrent_version_days=None)
    policy = LifecyclePolicy(noncurrent_version_days=None)
    rendered = rules.lifecycle_rules(policy, ("uploads/",))
    assert rendered[1] == {"fileNamePrefix": "uploads/", "daysFromStartingToCancelingUnfinishedLargeFiles": 7}
    assert reading.lifecycle_policy_of(rendered) == policy


def test_overlapping_prefixes_are_found_in_any_order() -> None:
    assert rules.overlapping_prefixes(["deleted/", "uploads/", "del"]) == [("deleted/", "del")]
    assert rules.overlapping_prefixes(["", "a/"]) == [("", "a/")]
    assert rules.overlapping_prefixes(["a/", "a/"]) == [("a/", "a/")]
    assert rules.overlapping_prefixes(["a/", "ab/", "b/"]) == []


def test_engine_floats_and_b2_nulls_are_not_differences() -> None:
    as_engine_sends = [
        {"fileNamePrefix": "uploads/", "daysFromHidingToDeleting": 30.0, "daysFromStartingToCancelingUnfinishedLargeFiles": 7.0},
        {"fileNamePrefix": "deleted/", "daysFromUploadingToHiding": 30.0, "daysFromHidingToDeleting": 1.0,
         "daysFromStartingToCancelingUnfinishedLargeFiles": 7.0},
    ]
    as_b2_answers = [
        {**r, "daysFromUploadingToHiding": r.get("daysFromUploadingToHiding")}
        for r in rules.lifecycle_rules(LifecyclePolicy(), ("uploads/",))
    ]
    assert rules.normalized_lifecycle_rules(as_engine_sends) == rules.normalized_lifecycle_rules(as_b2_answers)
    assert all(isinstance(v, int) for r in rules.normalized_lifecycle_rules(as_engine_sends) for k, v in r.items() if k != "fileNamePrefix")


@pytest.mark.parametrize(
    "broken",
    [
        [{"fileNamePrefix": "deleted/", "daysFromUploadingToHiding": 30, "daysFromHidingToDeleting": 1}],
        [{"fileNamePrefix": "", "daysFromUploadingToHiding": 30, "daysFromHidingToDeleting": 1,
          "daysFromStartingToCancelingUnfinishedLargeFiles": 7}],
        [{"fileNamePrefix": "deleted/", "daysFromUploadingToHiding": 30, "daysFromHidingToDeleting": 9,
          "daysFromStartingToCancelingUnfinishedLargeFiles": 7}],
        [{"fileNamePrefix": "uploads/", "daysFromHidingToDeleting": 30, "daysFromStartingToCancelingUnfinishedLargeFiles": 7}],
        [{"fileNamePrefix": "deleted/", "daysFromUploadingToHiding": 30, "daysFromHidingToDeleting": 1,
          "daysFromStartingToCancelingUnfinishedLargeFiles": 7},
         {"fileNamePrefix": "", "daysFromHidingToDeleting": 30, "daysFromStartingToCancelingUnfinishedLargeFiles": 7}],
        [{"fileNamePrefix": "deleted/", "daysFromUploadingToHiding": 30, "daysFromHidingToDeleting": 1,
          "daysFromStartingToCancelingUnfinishedLargeFiles": 7},
         {"fileNamePrefix": "uploads/", "daysFromHidingToDeleting": 30, "daysFromStartingToCancelingUnfinishedLargeFiles": 3}],
        [{"fileNamePrefix": "deleted/", "daysFromUploadingToHiding": 30, "daysFromHidingToDeleting": 1,
          "daysFromStartingToCancelingUnfinishedLargeFiles": 7},
         {"fileNamePrefix": "a/", "daysFromHidingToDeleting": 30, "daysFromStartingToCancelingUnfinishedLargeFiles": 7},
         {"fileNamePrefix": "b/", "daysFromHidingToDeleting": 5, "daysFromStartingToCancelingUnfinishedLargeFiles": 7}],
    ],
    ids=["no-cancel", "whole-bucket-hides-everything", "soft-delete-kept-9-days", "no-soft-delete-rule",
         "overlapping-whole-bucket-rule", "folder-cancels-later", "folders-keep-versions-differently"],
)
def test_rules_that_do_not_mean_the_guide_are_not_read_as_a_policy(broken: list) -> None:
    assert reading.lifecycle_policy_of(broken) is None


def test_cors_rule_uses_s3_operations_for_the_guides_methods() -> None:
    rendered = rules.cors_rules(CorsRule((ORIGIN,)))
    assert rendered == [
        {
            "corsRuleName": "raptscallions-browser-uploads",
            "allowedOrigins": [ORIGIN],
            "allowedOperations": ["s3_get", "s3_put", "s3_head"],
            "allowedHeaders": ["*"],
            "exposeHeaders": ["ETag", "Content-Length"],
            "maxAgeSeconds": 3600,
        }
    ]
    assert reading.cors_rule_of(rendered) == CorsRule((ORIGIN,))


def test_cors_settings_round_trip_and_native_operations_are_not_the_guides_rule() -> None:
    rule = CorsRule((ORIGIN, "http://localhost:3000"), ("GET", "PUT"), ("content-type",), ("ETag",), 600)
    assert reading.cors_rule_of(rules.cors_rules(rule)) == rule
    native = [{**rules.cors_rules(rule)[0], "allowedOperations": ["b2_download_file_by_name"]}]
    assert reading.cors_rule_of(native) is None
    assert reading.cors_rule_of(rules.cors_rules(rule) * 2) is None


def test_every_guide_action_has_a_capability_and_the_key_gets_the_guides_b2_list() -> None:
    assert set(rules.ACTION_CAPABILITIES) == set(permissions.APP_ACTIONS)
    assert set(rules.APP_CAPABILITIES) == {"listBuckets", "listFiles", "readFiles", "writeFiles", "deleteFiles"}
    assert "listAllBucketNames" not in rules.APP_CAPABILITIES
    assert not {"writeKeys", "deleteKeys", "writeBuckets", "deleteBuckets", "readBuckets"} & set(rules.APP_CAPABILITIES)


def test_capability_problem_names_missing_and_extra_capabilities() -> None:
    assert reading.capability_problem(reversed(rules.APP_CAPABILITIES)) is None
    problem = reading.capability_problem([*rules.APP_CAPABILITIES[1:], "writeKeys"])
    assert problem is not None and rules.APP_CAPABILITIES[0] in problem and "writeKeys" in problem


def test_app_key_name_follows_the_other_providers() -> None:
    assert rules.app_key_name("raptscallions-b2") == "raptscallions-b2-app"
