# One image for every Conóceles process; compose.yaml picks the process with `command`:
#   python -m services.auth|captura|validacion|publico|reportes   (port 8000 in compose)
#   python -m gateway                                              (port 8080, the default below)
#   python -m services.<service>.worker   (auth, captura, validacion, publico, reportes)
#   python -m services.common.relay
#   python -m launcher migrate        (with DATABASE_URL/REDIS_URL: those servers, no demo data)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

WORKDIR /app

# Dependencies first, so a code-only change reuses this layer. Only the runtime dependencies: no `[dev]`
# and no `[embedded]` (compose runs real PostgreSQL and Redis containers).
COPY pyproject.toml README.md ./
COPY services/ services/
COPY gateway/ gateway/
COPY launcher/ launcher/
RUN pip install . \
    && rm -rf build ./*.egg-info

# Migrations and catalogs are read from /app (services/common/migrate.py, services/validacion/catalogos.py).
COPY migrations/ migrations/
COPY data/ data/

# A user of its own; it can write only to the media folder (a volume in compose).
RUN groupadd --system --gid 10001 conoceles \
    && useradd --system --uid 10001 --gid conoceles --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin conoceles \
    && mkdir -p /srv/media \
    && chown conoceles:conoceles /srv/media
USER conoceles

EXPOSE 8000 8080
CMD ["python", "-m", "gateway"]
