"""The import path of the B2 bucket and key providers in every deployed stack's state.

Nothing is defined here any more; the code lives in modules with one job each:
b2_api.py (the b2sdk client, its credentials and errors), host_protocol.py (what the
dynamic-provider host stores and hands over), bucket_provider.py, key_provider.py and
resources.py (what the component declares).

Why this module stays: `pulumi.dynamic` pickles each provider by reference (dill records
the module and the class's name, nothing else) into the `__provider` property of every
resource's state, and the dynamic-provider host loads it back from there for every later
refresh, update and delete. Every B2 stack deployed so far names
`infra.providers.backblaze.dynamic.B2BucketProvider` and
`infra.providers.backblaze.dynamic.B2ApplicationKeyProvider`, and new states keep naming
them (`host_protocol.pickled_under_legacy_module`), so these two names must stay
importable from here for as long as such a stack may exist: removing or renaming one
breaks every operation on those stacks (tests/providers/test_provider_pins.py and the old-state test
in tests/providers/backblaze/test_b2_engine.py fail first). Import from the modules above, not from here.
"""

from __future__ import annotations

from infra.providers.backblaze.bucket_provider import B2BucketProvider
from infra.providers.backblaze.key_provider import B2ApplicationKeyProvider

__all__ = ["B2ApplicationKeyProvider", "B2BucketProvider"]
