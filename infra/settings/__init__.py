"""Stack settings: declared in `keys`, converted in `values`, validated in `parse`,
held in the immutable `model.Settings`."""
