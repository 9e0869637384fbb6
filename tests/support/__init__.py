"""Helpers the tests share: servers, doubles, judges and runners (no tests here)."""
