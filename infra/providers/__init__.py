"""Storage providers. Each sub-package has a pure `spec` module (naming, regions,
endpoints, options: no SDK import) and a `component` module that imports the
provider's Pulumi SDK and declares the resources."""
