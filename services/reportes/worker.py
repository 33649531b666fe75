"""The reportes worker process: ``python -m services.reportes.worker``."""

from services.common import worker

from .jobs import WorkerSettings

if __name__ == "__main__":
    worker.run(WorkerSettings)
