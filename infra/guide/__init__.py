"""The production storage guide's rules, provider-neutral.

Everything the reference guide (`shared/reference/production-s3-setup.md`) asks for —
CORS for browser uploads, lifecycle clean-up, the app credential's permissions and the
`STORAGE_*` variables — lives here once. Providers, the policy pack, the validator and
the tests read these modules; none of them restates a rule.
"""
