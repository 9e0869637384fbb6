"""Reading a stack's settings: the schema's keys (`infra.settings`) judged with the provider
specs (`infra.providers.registry`) into one valid `Settings`, or every problem at once.

Sits above the providers and below what uses settings (the program, the offline plan, CI)."""
