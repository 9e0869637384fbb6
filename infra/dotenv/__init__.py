"""`python -m infra.dotenv`: write the app's `.env` (the STORAGE_* contract) from a stack's outputs,
private from the moment it exists, without ever printing the secret."""
