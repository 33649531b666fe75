"""``make bench``: measures the budgets of docs/design.md §9 that exist today, on a system of its own.

It starts the whole system (``launcher.system.System``) on private ports (gateway 28080, services 28101-28106,
Redis 26390) with a temporary data folder, seeds 8,000 published candidacies through the real publication
path (``publico.publish`` jobs in the outbox), load-tests the public site with ``wrk`` next to Debian's Apache
serving the same bytes as static files (port 28090), reads each process's peak memory, prints a table and
stops everything. It reports; it never fails the build on a missed budget.
"""

import os

# Two benches (or a bench beside a developer's) side by side: every port of both scenarios moves by this much.
PORT_SHIFT = int(os.environ.get("CONOCELES_BENCH_PORT_SHIFT", "0"))
