"""Running the real Pulumi program offline, under Pulumi's mocks, to see what it declares."""
