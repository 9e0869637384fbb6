"""What the GitHub Actions workflows need from the repository, computed from its files.

The workflows never list stacks by hand: `python -m infra.ci.matrix` reads the shipped
`Pulumi.<stack>.yaml` files and prints the job matrices, so a new stack file is
previewed, deployed and checked for drift without editing a workflow. Only the
standard library, PyYAML and this package's pure modules are imported (no Pulumi SDK),
so the discovery job installs nothing else.
"""
