"""The upload limit as every layer states it. Its one source is ``CommonSettings.max_upload_mb``
(``CONOCELES_MAX_UPLOAD_MB``): the gateway, each service's request parser, the registry import and the 413 page
all derive from it, so none of them can promise what another refuses."""

from __future__ import annotations

# Room for what travels with the file in a multipart form: part headers, the CSRF token, the other fields.
MULTIPART_ENVELOPE = 256 * 1024


def too_large_message(max_upload_mb: int) -> str:
    return f"El archivo o el formulario es demasiado grande: el máximo es de {max_upload_mb} MB por archivo."
