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
# Groups only from an approved version at least as new as the kept one; consent 3 only from a newer change.
RECORD_IDENTIDAD_SQL = """
INSERT INTO reportes.identidades AS r (candidatura_id, grupos, envio, estadistica, seq)
VALUES ($1, $2::text[], coalesce($3, 0), $4, $5)
ON CONFLICT (candidatura_id) DO UPDATE SET
    grupos = CASE WHEN $3 IS NOT NULL AND EXCLUDED.envio >= r.envio THEN EXCLUDED.grupos ELSE r.grupos END,
    envio = CASE WHEN $3 IS NOT NULL THEN greatest(r.envio, EXCLUDED.envio) ELSE r.envio END,
    estadistica = CASE WHEN EXCLUDED.seq >= r.seq THEN EXCLUDED.estadistica ELSE r.estadistica END,
    seq = greatest(r.seq, EXCLUDED.seq),
    updated_at = now()
RETURNING candidatura_id
"""
