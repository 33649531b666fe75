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

# A day's total, never lowered: messages may arrive out of order, and an older total is smaller.
RECORD_VISITAS_SQL = """
INSERT INTO reportes.visitas (fecha, tipo, total) VALUES ($1, $2, $3)
ON CONFLICT (fecha, tipo) DO UPDATE SET total = greatest(reportes.visitas.total, EXCLUDED.total), updated_at = now()
RETURNING total
"""
