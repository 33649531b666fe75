"""SQL of the deadlines screens. They read captura's own tables and the registry (reference data)."""

# Every questionnaire of every registered candidacy that waits on someone, with its last change of state, and every
# pending correction request (it waits on the institute's decision while the questionnaire stays published); with
# the latest end of a live prórroga of the candidacy or of its postulante. Filters: postulante, cargo.
ESPERAS_SQL = """
WITH esperas AS (
    SELECT c.id AS candidatura_id, k.cuestionario, coalesce(q.estado, 'pendiente') AS estado,
           coalesce(q.updated_at, c.created_at) AS desde
    FROM registro.candidaturas c
    CROSS JOIN unnest($2::text[]) AS k (cuestionario)
    LEFT JOIN captura.cuestionarios q ON q.candidatura_id = c.id AND q.cuestionario = k.cuestionario
    WHERE c.proceso_id = $1 AND c.estatus = 'registrada' AND coalesce(q.estado, 'pendiente') = ANY($3::text[])
    UNION ALL
    SELECT s.candidatura_id, s.cuestionario, 'correccion_solicitada', s.created_at
    FROM captura.solicitudes_correccion s
    JOIN registro.candidaturas c ON c.id = s.candidatura_id
    WHERE s.estado = 'pendiente' AND c.proceso_id = $1 AND c.estatus = 'registrada'
)
SELECT e.candidatura_id, e.cuestionario, e.estado, e.desde,
       c.nombre, c.primer_apellido, c.segundo_apellido, c.tipo, c.numero, c.cargo, g.nombre AS cargo_nombre,
       c.postulante_id, p.siglas, c.distrito, m.nombre AS municipio_nombre,
       (SELECT max(x.fin) FROM registro.prorrogas x
         WHERE x.proceso_id = c.proceso_id AND x.revocada_at IS NULL
           AND (x.candidatura_id = c.id OR x.postulante_id = c.postulante_id)) AS prorroga_fin,
       coalesce((SELECT array_agg(r.grupo) FROM captura.recordatorios_atraso r
                  WHERE r.candidatura_id = c.id AND r.dia = $6), '{}') AS recordados_hoy
FROM esperas e
JOIN registro.candidaturas c ON c.id = e.candidatura_id
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
LEFT JOIN registro.municipios m ON m.clave = c.municipio
WHERE ($4::int IS NULL OR c.postulante_id = $4)
  AND ($5::text IS NULL OR c.cargo = $5)
ORDER BY g.orden, c.distrito, c.municipio, c.numero, c.tipo, c.primer_apellido, c.id, e.cuestionario, e.estado
"""

POSTULANTES_SQL = "SELECT id, siglas, nombre FROM registro.postulantes ORDER BY siglas"
CARGOS_SQL = "SELECT clave, nombre FROM registro.cargos ORDER BY orden"

# One press of the reminder button: a new lote; each (candidacy, group, day) is claimed once, whatever the clicks.
NUEVO_LOTE_SQL = "SELECT nextval('captura.recordatorios_atraso_lote_seq')"
CLAIM_RECORDATORIO_SQL = """
INSERT INTO captura.recordatorios_atraso (candidatura_id, grupo, dia, lote, enviado_por)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT DO NOTHING
RETURNING candidatura_id
"""
LOTE_SQL = "SELECT grupo, count(*) AS n FROM captura.recordatorios_atraso WHERE lote = $1 GROUP BY grupo"

# The omisos: registered candidacies whose capture window (prórroga included) has closed with no curricular
# version submitted before it closed. Whether the identity questionnaire was submitted is said, not required.
OMISOS_SQL = """
WITH ventanas AS (
    SELECT c.id,
           greatest(r.captura_fin,
                    (SELECT max(x.fin) FROM registro.prorrogas x
                      WHERE x.proceso_id = c.proceso_id AND x.revocada_at IS NULL
                        AND (x.candidatura_id = c.id OR x.postulante_id = c.postulante_id))) AS cierre
    FROM registro.candidaturas c
    JOIN registro.procesos r ON r.id = c.proceso_id
    WHERE c.proceso_id = $1 AND c.estatus = 'registrada' AND r.captura_fin IS NOT NULL
)
SELECT c.id AS candidatura_id, c.nombre, c.primer_apellido, c.segundo_apellido, c.tipo, c.numero, c.cargo,
       g.nombre AS cargo_nombre, c.postulante_id, p.siglas, p.nombre AS postulante_nombre, c.distrito,
       m.nombre AS municipio_nombre, v.cierre,
       coalesce((SELECT q.estado FROM captura.cuestionarios q
                  WHERE q.candidatura_id = c.id AND q.cuestionario = 'curricular'), 'pendiente') AS estado,
       EXISTS (SELECT 1 FROM captura.envios e
                WHERE e.candidatura_id = c.id AND e.cuestionario = 'identidad' AND e.enviado_at <= v.cierre)
           AS identidad_enviada
FROM ventanas v
JOIN registro.candidaturas c ON c.id = v.id
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
LEFT JOIN registro.municipios m ON m.clave = c.municipio
WHERE v.cierre < $2
  AND NOT EXISTS (SELECT 1 FROM captura.envios e
                   WHERE e.candidatura_id = c.id AND e.cuestionario = 'curricular' AND e.enviado_at <= v.cierre)
  AND ($3::int IS NULL OR c.postulante_id = $3)
ORDER BY p.siglas, p.id, g.orden, c.distrito, c.municipio, c.numero, c.tipo, c.primer_apellido, c.id
"""
