"""The captura worker process: ``python -m services.captura.worker``."""

from services.common import worker

from .jobs import WorkerSettings

if __name__ == "__main__":
    worker.run(WorkerSettings)
