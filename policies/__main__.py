"""Policy pack entry point. Constructing PolicyPack starts the analyzer and never returns,
so this file does only that; the policies live in `storage_policies`, beside this file.

The guide's rules come from the `raptscallions-storage` package, installed in the pack's
virtualenv like any dependency (`make policy-pack` builds the installable bundle)."""

from pulumi_policy import PolicyPack

from storage_policies.pack import PACK_NAME, POLICIES

PolicyPack(name=PACK_NAME, policies=POLICIES)
