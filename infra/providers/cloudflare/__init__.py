"""cloudflare storage: `spec` (pure rules) and `component` (Pulumi resources)."""
