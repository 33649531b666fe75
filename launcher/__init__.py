"""Brings the whole system up without Docker, for developers, evaluators and the test session."""
