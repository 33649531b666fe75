RECORD_STATUS_SQL = """
INSERT INTO reportes.historial_estados (job_key, candidatura_id, cuestionario, estado, at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (job_key) DO NOTHING
RETURNING id
"""

RECORD_HECHO_SQL = """
INSERT INTO reportes.hechos (job_key, candidatura_id, hecho, at, referencia, detalle)
VALUES ($1, $2, $3, $4, $5, $6::jsonb)
ON CONFLICT (job_key) DO NOTHING
RETURNING id
"""
