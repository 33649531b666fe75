"""Jobs auth runs: mail (credentials, password recovery), notices about questionnaires, bulk provisioning of
accounts, and disabling the accounts of withdrawn candidacies."""

from __future__ import annotations

from arq.worker import Function, func

from .avisos import notify
from .mail import send_mail
from .provision import provision
from .registro_jobs import disable_for_candidatura

FUNCTIONS: list[Function] = [
    func(send_mail, name="auth.mail"),
    func(notify, name="auth.notify"),
    func(provision, name="auth.provision"),
    func(disable_for_candidatura, name="auth.disable_for_candidatura"),
]
