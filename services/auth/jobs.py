"""Jobs auth runs: mail (credentials, password recovery) and bulk provisioning of accounts."""

from __future__ import annotations

from arq.worker import Function, func

from .mail import send_mail
from .provision import provision

FUNCTIONS: list[Function] = [func(send_mail, name="auth.mail"), func(provision, name="auth.provision")]
