"""Jobs auth runs: mail (credentials, password recovery), notices about questionnaires, bulk provisioning of
accounts, and disabling the accounts of withdrawn candidacies."""

from __future__ import annotations

from typing import Any

from services.common import contracts, worker
from services.common.settings import load_settings

from .avisos import notify
from .hashing import hasher_for
from .mail import send_mail
from .provision import HASHER_KEY, provision
from .registro_jobs import disable_for_candidatura
from .settings import AuthSettings


class WorkerSettings(worker.WorkerSettings):
    service = "auth"
    functions = (
        worker.job(contracts.SendMail, send_mail),
        worker.job(contracts.Notify, notify),
        worker.job(contracts.Provision, provision),
        worker.job(contracts.DisableForCandidatura, disable_for_candidatura),
    )

    @staticmethod
    async def startup(ctx: dict[str, Any]) -> None:
        # One hasher for every job of the worker: AUTH_HASH_CONCURRENCY bounds the hashes of all lotes together.
        ctx[HASHER_KEY] = hasher_for(load_settings(AuthSettings))

    @staticmethod
    async def shutdown(ctx: dict[str, Any]) -> None:
        if HASHER_KEY in ctx:
            ctx[HASHER_KEY].close()
