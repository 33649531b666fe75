"""The audit trail of one candidacy, read from ``audit.eventos`` (appended by every service)."""
