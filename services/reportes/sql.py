RECORD_STATUS_SQL = """
INSERT INTO reportes.historial_estados (job_key, candidatura_id, cuestionario, estado, at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (job_key) DO NOTHING
RETURNING id
"""

# The latest state of each questionnaire, counted per postulante and state; candidacies without any
# recorded change are 'pendiente'.
PROGRESS_SQL = """
WITH ultimo AS (
    SELECT DISTINCT ON (candidatura_id) candidatura_id, estado
    FROM reportes.historial_estados
    WHERE cuestionario = 'curricular'
    ORDER BY candidatura_id, at DESC, id DESC
)
SELECT p.siglas, p.nombre, p.tipo, coalesce(u.estado, 'pendiente') AS estado, count(*) AS total
FROM registro.candidaturas c
JOIN registro.postulantes p ON p.id = c.postulante_id
LEFT JOIN ultimo u ON u.candidatura_id = c.id
WHERE c.estatus = 'registrada'
GROUP BY p.id, p.siglas, p.nombre, p.tipo, coalesce(u.estado, 'pendiente')
ORDER BY p.id
"""
