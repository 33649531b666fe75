"""Registered candidacies: search, substitution of a person and cancellation (coordinación screens)."""
