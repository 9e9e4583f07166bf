"""The conformance kit's pytest plugin, enabled as any plugin's test suite enables it."""

pytest_plugins = ["framework.testing.conformance"]
