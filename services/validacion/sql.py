OPEN_REVIEW_SQL = """
INSERT INTO validacion.revisiones (envio_id, candidatura_id, cuestionario, numero, datos, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (envio_id) DO NOTHING
RETURNING id
"""

QUEUE_SQL = """
SELECT r.id, r.candidatura_id, r.cuestionario, r.numero, r.created_at,
       c.nombre, c.primer_apellido, c.segundo_apellido, g.nombre AS cargo_nombre, p.siglas,
       p.tipo AS postulante_tipo
FROM validacion.revisiones r
JOIN registro.candidaturas c ON c.id = r.candidatura_id
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
WHERE r.estado = 'pendiente'
ORDER BY r.created_at, r.id
LIMIT 500
"""

REVIEW_SQL = """
SELECT r.*, c.nombre, c.primer_apellido, c.segundo_apellido, g.nombre AS cargo_nombre, p.siglas,
       p.tipo AS postulante_tipo, validacion.espera_transparencia(r.id) AS espera_transparencia
FROM validacion.revisiones r
JOIN registro.candidaturas c ON c.id = r.candidatura_id
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
WHERE r.id = $1
"""

APPROVE_SQL = """
UPDATE validacion.revisiones
   SET estado = 'aprobada', resuelto_por = $2, resuelto_at = now(),
       publicacion_solicitada_at = CASE WHEN $3 THEN now() END
 WHERE id = $1 AND estado = 'pendiente'
RETURNING id, candidatura_id, cuestionario, numero, datos, created_at, resuelto_at
"""

# The active process's publication date: approvals before it wait for the cron job.
PUBLICATION_OPEN_SQL = """
SELECT coalesce(bool_or(publicacion_inicio IS NOT NULL AND publicacion_inicio <= now()), false)
FROM registro.procesos WHERE activo
"""
# The same, for one review: a version with an open flag waits for Transparencia (migration 0034), and clearing
# its last flag or the cron publishes it later.
PUBLICATION_OPEN_FOR_REVIEW_SQL = f"""
SELECT ({PUBLICATION_OPEN_SQL.strip()}) AND NOT validacion.espera_transparencia($1)
"""

DUE_FOR_PUBLICATION_SQL = """
UPDATE validacion.revisiones
   SET publicacion_solicitada_at = now()
 WHERE id IN (SELECT id FROM validacion.revisiones
               WHERE estado = 'aprobada' AND publicacion_solicitada_at IS NULL
                 AND NOT validacion.espera_transparencia(id)
               ORDER BY id LIMIT 1000 FOR UPDATE SKIP LOCKED)
RETURNING id, candidatura_id, cuestionario, numero, datos, created_at, resuelto_at
"""

RETURN_SQL = """
UPDATE validacion.revisiones SET estado = 'devuelta', resuelto_por = $2, resuelto_at = now()
 WHERE id = $1 AND estado = 'pendiente'
RETURNING id, candidatura_id, cuestionario, numero, resuelto_at
"""
INSERT_OBSERVACION_SQL = """
INSERT INTO validacion.observaciones (revision_id, rubro, fundamento, texto, created_by) VALUES ($1, $2, $3, $4, $5)
"""

OPEN_CORRECTION_SQL = """
INSERT INTO validacion.solicitudes_correccion (id, candidatura_id, cuestionario, numero, rubros, motivo, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (id) DO NOTHING
RETURNING id
"""
CORRECTIONS_SQL = """
SELECT s.id, s.candidatura_id, s.cuestionario, s.numero, s.rubros, s.motivo, s.created_at,
       c.nombre, c.primer_apellido, c.segundo_apellido, g.nombre AS cargo_nombre, p.siglas,
       p.tipo AS postulante_tipo
FROM validacion.solicitudes_correccion s
JOIN registro.candidaturas c ON c.id = s.candidatura_id
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
WHERE s.estado = 'pendiente'
ORDER BY s.created_at, s.id
LIMIT 500
"""
DECIDE_CORRECTION_SQL = """
UPDATE validacion.solicitudes_correccion SET estado = $2, resuelto_por = $3, resuelto_at = now()
WHERE id = $1 AND estado = 'pendiente'
RETURNING id, candidatura_id, cuestionario, numero, resuelto_at
"""

# What a success message names after a decision (Post/Redirect/Get): the person and the questionnaire, not ids.
DECIDED_REVIEW_SQL = """
SELECT r.cuestionario, r.estado, concat_ws(' ', c.nombre, c.primer_apellido, nullif(c.segundo_apellido, '')) AS persona,
       validacion.espera_transparencia(r.id) AS espera_transparencia
FROM validacion.revisiones r JOIN registro.candidaturas c ON c.id = r.candidatura_id
WHERE r.id = $1
"""
DECIDED_CORRECTION_SQL = """
SELECT s.estado, concat_ws(' ', c.nombre, c.primer_apellido, nullif(c.segundo_apellido, '')) AS persona
FROM validacion.solicitudes_correccion s JOIN registro.candidaturas c ON c.id = s.candidatura_id
WHERE s.id = $1
"""
