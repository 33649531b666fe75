"""Coordinación's publication control of one candidacy: publish now, pause and resume, each with its reason."""
