"""CrossGuard policies for RaptScallions storage.

`views` turns provider resources into provider-neutral facts (a bucket, its CORS rules,
its lifecycle rules); `checks` judges those facts against the guide's rules in
`infra.guide`; `adapters/<provider>` holds what differs per provider, including each
provider's credential and public-access checks; `pack` wires them into named policies.
"""
