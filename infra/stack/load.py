"""Read raw stack config into `Settings`, reporting every problem at once.

`load_settings` is the only way settings are built: the Pulumi program, the offline
plan and the tests all call it, and it either returns a valid `Settings` or raises
`SettingsError` listing each wrong key and its fix. It never raises anything else.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from infra.guide import cors as cors_rules
from infra.guide import lifecycle as lifecycle_rules
from infra.providers import registry
from infra.providers.spec import ProviderSpec, VersioningSupport
from infra.settings import keys as k
from infra.settings.acknowledgements import entry_problem
from infra.settings.model import AppSettings, Settings, Versioning
from infra.settings.problems import Report, SettingsError
from infra.settings.values import ValueProblem, convert
from infra.stack.rotation import parse_credentials

_ENVIRONMENT = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")


def load_settings(raw: Mapping[str, Any], *, stack: str, plugin_keys: Iterable[str] = ()) -> Settings:
    """Validated settings from raw config values keyed by setting name (no namespace).

    A key in `raw` is one the stack wrote (or one Pulumi.yaml declares with a default, which
    the engine adds to every stack; `keys.project_keys`): a key the stack's provider does
    not use is refused when present, whatever its value.
    `plugin_keys` are the stack's config keys in other namespaces (`aws:region`): a provider
    whose component declares its own provider refuses its plugin's keys, which would be ignored.
    """
    report = Report()
    spec = _provider(raw, report)
    refused = _not_applicable(raw, spec, stack, report) if spec is not None else set()
    values = _convert_all(raw, report, skip=refused | {k.PROVIDER.name})
    values[k.PROVIDER.name] = spec.name if spec is not None else None
    if spec is not None:
        _ignored_plugin_keys(spec, plugin_keys, stack, report)
    settings = _build(values, spec, stack, report)
    if report.problems or settings is None:
        raise SettingsError(stack, report.problems)
    return settings


def _convert_all(raw: Mapping[str, Any], report: Report, skip: set[str]) -> dict[str, Any]:
    """Every known key's value, converted; the default where unset or in `skip` (already judged)."""
    known = {key.name: key for key in k.ALL_KEYS}
    values: dict[str, Any] = {}
    for name in raw:
        if name not in known:
            hint = difflib.get_close_matches(str(name), list(known), n=1)
            suggestion = f"; did you mean {hint[0]}?" if hint else f"; known settings: {', '.join(sorted(known))}"
            report.problem(str(name), f"is not a setting of this project{suggestion}")
    for name, key in known.items():
        value = raw.get(name)
        if name in skip or value is None or (value == "" and key.kind != "string"):
            values[name] = _default(key)
            continue
        try:
            values[name] = convert(key, value)
        except ValueProblem as problem:
            report.problem(name, str(problem))
            values[name] = None
    return values


def _default(key: k.SettingKey) -> Any:
    default = key.default
    return list(default) if isinstance(default, list) else dict(default) if isinstance(default, dict) else default


def _provider(raw: Mapping[str, Any], report: Report) -> ProviderSpec | None:
    value = raw.get(k.PROVIDER.name)
    try:
        name = convert(k.PROVIDER, value) if value is not None else None
    except ValueProblem as problem:
        report.problem(k.PROVIDER.name, str(problem))
        return None
    if not name:
        report.problem(k.PROVIDER.name, f"is required: one of {', '.join(registry.NAMES)}")
        return None
    spec = registry.get(name)
    if spec is None:
        report.problem(k.PROVIDER.name, f"{name!r} is not a supported provider; use one of {', '.join(registry.NAMES)}")
    return spec


def _not_applicable(raw: Mapping[str, Any], spec: ProviderSpec, stack: str, report: Report) -> set[str]:
    """The written keys `spec`'s stacks do not use, each reported: it would silently do nothing."""
    refused = set()
    for key in k.ALL_KEYS:
        if raw.get(key.name) is None or spec.applies(key):
            continue
        remove = f"remove it (`pulumi config rm {key.name} --stack {stack}`)"
        reason = spec.ignored_settings.get(key.name)
        if reason is not None:
            message = f"has no effect on {spec.display_name}: {reason}; {remove}"
        else:
            message = f"applies only to provider {' and '.join(sorted(key.providers))}, not {spec.name}; {remove}"
        report.problem(key.name, message)
        refused.add(key.name)
    return refused


def _ignored_plugin_keys(spec: ProviderSpec, plugin_keys: Iterable[str], stack: str, report: Report) -> None:
    """An explicit provider reads no stack config: `aws:profile` there would silently deploy with
    whatever credentials the shell has. Refuse each such key and say what takes its place."""
    if not spec.explicit_provider or spec.plugin_package is None:
        return
    for full_key in sorted(plugin_keys):
        namespace, _, key = full_key.partition(":")
        if namespace != spec.plugin_package:
            continue
        replacement = "the region setting (`region`)" if key == "region" else (
            f"the environment ({', '.join(spec.credential_env)})"
        )
        report.problem(
            key,
            f"has no effect: this stack's {spec.plugin_package} provider is declared by the component from its "
            f"settings and reads no {spec.plugin_package}:* config; remove it (`pulumi config rm {full_key} --stack "
            f"{stack}`) and use {replacement}",
            namespace=namespace,
        )


def _build(values: dict[str, Any], spec: ProviderSpec | None, stack: str, report: Report) -> Settings | None:
    environment = values[k.ENVIRONMENT.name] or stack
    if not _ENVIRONMENT.fullmatch(environment):
        report.problem(k.ENVIRONMENT.name, f"{environment!r} must be lowercase letters, digits and hyphens (at most 32)")
    production = environment in ("prod", "production")

    bucket = _required_text(values, k.BUCKET_NAME, report)
    if bucket and spec:
        problem = spec.bucket_name_problem(bucket)
        if problem:
            report.problem(k.BUCKET_NAME.name, f"{bucket!r} {problem}")
        elif warning := spec.bucket_name_warning(bucket):
            report.warn(warning)
    elif bucket:
        _bucket_valid_nowhere(bucket, report)

    cors = _cors(values, production, report)
    versioning = _versioning(values, spec, report)
    lifecycle = _lifecycle(values, versioning, report)
    app = _app(values, report)
    tags = _tags(values, report)
    protect = values[k.PROTECT.name]
    if protect is False and production:
        report.warn(f"protect is off for production stack {stack!r}: `pulumi destroy` could delete the bucket")

    credentials = parse_credentials(values, spec, report)
    for entry in values[k.ACKNOWLEDGE_CHANGES.name] or ():
        if (problem := entry_problem(entry)) is not None:
            report.problem(k.ACKNOWLEDGE_CHANGES.name, problem)
    adopt = values.get(k.ADOPT_EXISTING_BUCKET.name)
    if spec is None:
        return None
    options = spec.parse_options({key.name: values.get(key.name) for key in spec.option_keys}, report)
    location = spec.resolve_location(values[k.REGION.name] or "", values[k.ENDPOINT.name] or "", options, report)
    if bucket:
        spec.check_bucket_pair(bucket, options, report)
    if adopt:
        spec.check_adoption(options, report)
    if cors is not None:
        spec.check_cors(cors, options, report)
    if lifecycle is not None:
        spec.check_lifecycle(lifecycle, options, report)
    if values.get(k.VERSIONING.name) is not None:
        spec.check_versioning(options, bool(values[k.VERSIONING.name]), report)
    if report.problems or None in (bucket, cors, lifecycle, app, tags, protect, location, versioning, credentials, adopt):
        return None
    assert location is not None and versioning is not None and credentials is not None  # checked above
    import_id = spec.bucket_import_id(bucket, location.region, options) if adopt else None
    if adopt:
        report.warn(spec.adoption_warning(bucket, location.region, options))
    return Settings(
        stack=stack,
        environment=environment,
        provider=spec.name,
        bucket_name=bucket,
        region=location.region,
        endpoint=location.endpoint,
        cors=cors,
        lifecycle=lifecycle,
        versioning=versioning,
        protect=protect,
        app=app,
        tags=tags,
        options=options,
        warnings=tuple(report.warnings),
        credentials=credentials[0],
        active_credential=credentials[1],
        adopt_existing_bucket=adopt,
        bucket_import_id=import_id,
    )


def _bucket_valid_nowhere(bucket: str, report: Report) -> None:
    """Without a usable provider, still report a name that no provider accepts, so a bad
    provider and a bad name are fixed in one go (a name some provider takes is judged later)."""
    problems = [spec.bucket_name_problem(bucket) for spec in registry.all_specs()]
    if all(problems):
        report.problem(k.BUCKET_NAME.name, f"{bucket!r} is valid for no provider: {problems[0]}")


def _required_text(values: dict[str, Any], key: k.SettingKey, report: Report) -> str | None:
    value = values.get(key.name)
    if value is None or not str(value).strip():
        report.missing(key.name, "is required")
        return None
    return value


def _cors(values: dict[str, Any], production: bool, report: Report) -> cors_rules.CorsRule | None:
    origins = values.get(k.CORS_ORIGINS.name)
    ok = True
    if origins is None or len(origins) == 0:
        if not report.has_problem(k.CORS_ORIGINS.name):
            report.problem(
                k.CORS_ORIGINS.name,
                'needs at least one origin for browser uploads, e.g. ["https://app.example.com"]',
            )
        ok = False
    else:
        for origin in origins:
            problem = cors_rules.origin_problem(origin, production=production)
            if problem:
                report.problem(k.CORS_ORIGINS.name, f"{origin!r} {problem}")
                ok = False
            elif origin.startswith("http://"):
                report.warn(f"CORS origin {origin!r} is plain http (localhost), allowed outside prod only")
        if len(set(origins)) != len(origins):
            report.problem(k.CORS_ORIGINS.name, "lists an origin twice; remove the duplicate")
            ok = False

    methods = values.get(k.CORS_METHODS.name)
    if methods is not None:
        upper = [m.upper() for m in methods]
        unknown = sorted(set(upper) - cors_rules.S3_CORS_METHODS)
        if not upper or unknown or len(set(upper)) != len(upper):
            report.problem(
                k.CORS_METHODS.name,
                f"must be distinct methods from {', '.join(sorted(cors_rules.S3_CORS_METHODS))}"
                + (f"; {', '.join(unknown)} is not one" if unknown else ""),
            )
            ok = False
        methods = tuple(upper)
    for key in (k.CORS_HEADERS, k.CORS_EXPOSE):
        for header in values.get(key.name) or ():
            problem = cors_rules.header_problem(header)
            if problem:
                report.problem(key.name, problem)
                ok = False
    headers = values.get(k.CORS_HEADERS.name)
    if headers is not None and not report.has_problem(k.CORS_HEADERS.name):
        problem = cors_rules.allowed_headers_problem(headers)
        if problem:
            report.problem(k.CORS_HEADERS.name, problem)
            ok = False
    expose = values.get(k.CORS_EXPOSE.name)
    if expose is not None and not any(str(h).lower() in ("etag", "*") for h in expose):
        report.warn("corsExposeHeaders does not expose ETag: browser code cannot read an upload's ETag (the guide exposes ETag, Content-Length)")
    if methods is not None and methods and "PUT" not in methods:
        report.warn("corsAllowedMethods has no PUT: browsers cannot upload through signed PUT URLs")
    max_age = values.get(k.CORS_MAX_AGE.name)
    if not ok or None in (methods, max_age, values.get(k.CORS_HEADERS.name), values.get(k.CORS_EXPOSE.name)):
        return None
    return cors_rules.CorsRule(
        allowed_origins=tuple(origins),
        allowed_methods=methods,
        allowed_headers=tuple(values[k.CORS_HEADERS.name]),
        expose_headers=tuple(values[k.CORS_EXPOSE.name]),
        max_age_seconds=max_age,
    )


def _versioning(values: dict[str, Any], spec: ProviderSpec | None, report: Report) -> Versioning | None:
    wanted = values.get(k.VERSIONING.name)
    if wanted is None or spec is None:
        return None
    if spec.versioning is VersioningSupport.SWITCH:
        return Versioning.ENABLED if wanted else Versioning.DISABLED
    if spec.versioning is VersioningSupport.ALWAYS:
        if not wanted:
            report.problem(
                k.VERSIONING.name,
                f"cannot be turned off on {spec.display_name}, which always keeps versions; "
                "set noncurrentVersionDays to control how long old versions stay",
            )
            return None
        return Versioning.ALWAYS
    if wanted:
        report.warn(
            f"{spec.display_name} has no object versioning: overwritten and deleted objects cannot be "
            "recovered (versioning is reported as not available, not on)"
        )
    return Versioning.UNAVAILABLE


def _lifecycle(
    values: dict[str, Any], versioning: Versioning | None, report: Report
) -> lifecycle_rules.LifecyclePolicy | None:
    prefix = values.get(k.SOFT_DELETE_PREFIX.name)
    if prefix is not None:
        problem = lifecycle_rules.soft_delete_prefix_problem(prefix)
        if problem:
            report.problem(k.SOFT_DELETE_PREFIX.name, f"{prefix!r} {problem}")
            prefix = None
    days = [values.get(key.name) for key in (k.SOFT_DELETE_DAYS, k.ABORT_MULTIPART_DAYS, k.NONCURRENT_DAYS)]
    if prefix is None or None in days:
        return None
    keeps_versions = versioning is not None and versioning.keeps_versions
    return lifecycle_rules.LifecyclePolicy(
        soft_delete_prefix=prefix,
        soft_delete_days=days[0],
        abort_multipart_days=days[1],
        noncurrent_version_days=days[2] if keeps_versions else None,
    )


def _app(values: dict[str, Any], report: Report) -> AppSettings | None:
    expiration, max_file, quota = (values.get(key.name) for key in (k.SIGNED_URL_EXPIRATION, k.MAX_FILE_SIZE, k.QUOTA))
    if max_file is not None and quota is not None and quota < max_file:
        report.problem(k.QUOTA.name, f"({quota}) is smaller than maxFileSizeBytes ({max_file}); no file that size could be stored")
        return None
    if None in (expiration, max_file, quota):
        return None
    return AppSettings(expiration, max_file, quota)


def _tags(values: dict[str, Any], report: Report) -> Mapping[str, str] | None:
    tags = values.get(k.TAGS.name)
    if tags is None:
        return None
    ok = True
    for key, value in tags.items():
        if not 1 <= len(key) <= 128 or len(value) > 256:
            report.problem(k.TAGS.name, f"tag {key[:40]!r}: keys must be 1-128 characters and values at most 256")
            ok = False
        elif key.lower().startswith("aws:"):
            report.problem(k.TAGS.name, f"tag {key!r}: the aws: prefix is reserved by AWS")
            ok = False
    return MappingProxyType(dict(tags)) if ok else None
