"""raptscallions-storage: production S3-compatible storage for RaptScallions, as Pulumi code.

The package is importable without any provider SDK: each provider's Pulumi SDK is
imported only by that provider's component module, when a stack selects it.
"""

PROJECT = "raptscallions-storage"
"""The Pulumi project name; also the config namespace of every setting."""
