"""The settings vocabulary, below the providers: the schema (`keys`), conversion of raw values
(`values`), problem reports (`problems`), acknowledgements and the immutable `model.Settings`.

Reading a stack's settings with the provider specs is `infra.stack`, above the providers
(tests/project/test_layering.py keeps every import pointing down)."""
