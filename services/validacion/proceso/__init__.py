"""The process settings screen: capture window, publication date, limits, rounds, party step, minimum ages."""
