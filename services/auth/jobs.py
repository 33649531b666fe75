"""Jobs auth runs: mail (credentials, password recovery), bulk provisioning of accounts, and disabling the
accounts of withdrawn candidacies."""

from __future__ import annotations

from arq.worker import Function, func

from .mail import send_mail
from .provision import provision
from .registro_jobs import disable_for_candidatura

FUNCTIONS: list[Function] = [
    func(send_mail, name="auth.mail"),
    func(provision, name="auth.provision"),
    func(disable_for_candidatura, name="auth.disable_for_candidatura"),
]
