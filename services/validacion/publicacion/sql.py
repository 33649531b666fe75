"""SQL of the publication control of one candidacy."""

CANDIDATURA_SQL = """
SELECT c.id, c.nombre, c.primer_apellido, c.segundo_apellido, c.estatus, c.tipo, c.sexo, c.numero,
       k.nombre AS cargo_nombre, p.siglas, p.nombre AS postulante_nombre, p.tipo AS postulante_tipo
FROM registro.candidaturas c
JOIN registro.cargos k ON k.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
WHERE c.id = $1
"""
# Serializes the decisions about one candidacy: publish now, pause and resume never interleave.
LOCK_SQL = "SELECT id, estatus FROM registro.candidaturas WHERE id = $1 FOR UPDATE"

# The last approved version of each questionnaire that Transparencia's gate lets through: what "publicar ahora"
# and "reanudar" send to publico (resuming never publishes a version still waiting on its flags).
APROBADAS_SQL = """
SELECT DISTINCT ON (cuestionario) id, candidatura_id, cuestionario, numero, datos, created_at, resuelto_at,
       publicacion_solicitada_at
FROM validacion.revisiones
WHERE candidatura_id = $1 AND estado = 'aprobada' AND NOT validacion.espera_transparencia(id)
ORDER BY cuestionario, numero DESC, id DESC
"""
MARK_REQUESTED_SQL = """
UPDATE validacion.revisiones SET publicacion_solicitada_at = coalesce(publicacion_solicitada_at, now())
WHERE id = ANY($1::bigint[])
"""
# The same rule as transparencia's gate: a candidacy with a flag nobody resolved yet is not published.
OPEN_FLAGS_SQL = "SELECT count(*) FROM validacion.banderas WHERE candidatura_id = $1 AND estado = 'abierta'"

PAUSA_VIGENTE_SQL = """
SELECT id, motivo, pausada_por, pausada_at FROM validacion.pausas WHERE candidatura_id = $1 AND reanudada_at IS NULL
"""
PAUSAS_SQL = """
SELECT id, motivo, pausada_at, motivo_reanudacion, reanudada_at
FROM validacion.pausas WHERE candidatura_id = $1 ORDER BY pausada_at DESC, id DESC LIMIT 20
"""
PAUSE_SQL = """
INSERT INTO validacion.pausas (candidatura_id, motivo, pausada_por) VALUES ($1, $2, $3)
ON CONFLICT (candidatura_id) WHERE reanudada_at IS NULL DO NOTHING
RETURNING id, pausada_at
"""
RESUME_SQL = """
UPDATE validacion.pausas SET motivo_reanudacion = $2, reanudada_por = $3, reanudada_at = now()
WHERE candidatura_id = $1 AND reanudada_at IS NULL
RETURNING id, reanudada_at
"""
