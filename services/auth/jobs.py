"""Jobs auth runs: mail (credentials, password recovery), notices about questionnaires, bulk provisioning of
accounts, and disabling the accounts of withdrawn candidacies."""

from __future__ import annotations

from services.common import contracts, worker

from .avisos import notify
from .mail import send_mail
from .provision import provision
from .registro_jobs import disable_for_candidatura


class WorkerSettings(worker.WorkerSettings):
    service = "auth"
    functions = (
        worker.job(contracts.SendMail, send_mail),
        worker.job(contracts.Notify, notify),
        worker.job(contracts.Provision, provision),
        worker.job(contracts.DisableForCandidatura, disable_for_candidatura),
    )
