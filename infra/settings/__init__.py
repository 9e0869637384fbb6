"""Stack settings: declared in `keys`, converted in `values`, validated in `parse`,
held in the immutable `model.Settings`.

`keys`, `model`, `problems` and `values` sit below the providers (whose specs declare
their own keys with them); `parse` and `rotation` judge settings with the provider specs
and sit above them (tests/test_layering.py keeps the import graph acyclic)."""
