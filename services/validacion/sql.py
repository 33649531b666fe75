OPEN_REVIEW_SQL = """
INSERT INTO validacion.revisiones (envio_id, candidatura_id, cuestionario, numero, datos, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (envio_id) DO NOTHING
RETURNING id
"""

QUEUE_SQL = """
SELECT r.id, r.candidatura_id, r.cuestionario, r.numero, r.created_at,
       c.nombre, c.primer_apellido, c.segundo_apellido, g.nombre AS cargo_nombre, p.siglas,
       p.tipo AS postulante_tipo,
       r.reclamada_por, r.reclamada_por_nombre, r.reclamada_hasta,
       coalesce(r.reclamada_hasta > now(), false) AS reclamo_vigente,
       (SELECT count(*) FROM validacion.banderas b WHERE b.revision_id = r.id AND b.estado = 'abierta')
           AS banderas_abiertas
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
       p.tipo AS postulante_tipo, validacion.espera_transparencia(r.id) AS espera_transparencia,
       coalesce(r.reclamada_hasta > now(), false) AS reclamo_vigente
FROM validacion.revisiones r
JOIN registro.candidaturas c ON c.id = r.candidatura_id
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
WHERE r.id = $1
"""

# A decision applies only to the version the reviewer saw ($4, the form's numero; NULL from an older form), while
# no newer submission of that questionnaire exists, and never over another reviewer's live claim.
APPROVE_SQL = """
UPDATE validacion.revisiones r
   SET estado = 'aprobada', resuelto_por = $2, resuelto_at = now(),
       publicacion_solicitada_at = CASE WHEN $3 THEN now() END
 WHERE id = $1 AND estado = 'pendiente'
   AND ($4::int IS NULL OR r.numero = $4)
   AND (r.reclamada_por IS NULL OR r.reclamada_por = $2 OR r.reclamada_hasta <= now())
   AND NOT EXISTS (SELECT 1 FROM validacion.revisiones n
                    WHERE n.candidatura_id = r.candidatura_id AND n.cuestionario = r.cuestionario
                      AND n.numero > r.numero)
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

DUE_CHUNK = 1000
DUE_FOR_PUBLICATION_SQL = """
UPDATE validacion.revisiones
   SET publicacion_solicitada_at = now()
 WHERE id IN (SELECT id FROM validacion.revisiones
               WHERE estado = 'aprobada' AND publicacion_solicitada_at IS NULL
                 AND NOT validacion.espera_transparencia(id)
               ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING id, candidatura_id, cuestionario, numero, datos, created_at, resuelto_at
"""

# The same guards as APPROVE_SQL ($3: the form's numero).
RETURN_SQL = """
UPDATE validacion.revisiones r SET estado = 'devuelta', resuelto_por = $2, resuelto_at = now()
 WHERE id = $1 AND estado = 'pendiente'
   AND ($3::int IS NULL OR r.numero = $3)
   AND (r.reclamada_por IS NULL OR r.reclamada_por = $2 OR r.reclamada_hasta <= now())
   AND NOT EXISTS (SELECT 1 FROM validacion.revisiones n
                    WHERE n.candidatura_id = r.candidatura_id AND n.cuestionario = r.cuestionario
                      AND n.numero > r.numero)
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

# Opening a pending review claims it for $4 minutes unless another reviewer's claim still lives; opening it again
# extends one's own. ``nuevo``: the claim changed hands (audited), not a renewal.
CLAIM_SQL = """
WITH antes AS (
    SELECT id, reclamada_por AS por, coalesce(reclamada_hasta > now(), false) AS vigente
    FROM validacion.revisiones WHERE id = $1
)
UPDATE validacion.revisiones r
   SET reclamada_por = $2, reclamada_por_nombre = $3, reclamada_hasta = now() + make_interval(mins => $4)
  FROM antes
 WHERE r.id = antes.id AND r.estado = 'pendiente'
   AND (r.reclamada_por IS NULL OR r.reclamada_por = $2 OR r.reclamada_hasta <= now())
RETURNING r.reclamada_hasta, (antes.por IS DISTINCT FROM $2 OR NOT antes.vigente) AS nuevo
"""

# Why a decision did not apply: the review as it is now, and the newest review of the same questionnaire.
DECISION_STATE_SQL = """
SELECT r.id, r.estado, r.numero, r.reclamada_por, r.reclamada_por_nombre, r.reclamada_hasta,
       coalesce(r.reclamada_hasta > now(), false) AS reclamo_vigente,
       concat_ws(' ', c.nombre, c.primer_apellido, nullif(c.segundo_apellido, '')) AS persona,
       v.id AS vigente_id, v.numero AS vigente_numero
FROM validacion.revisiones r
JOIN registro.candidaturas c ON c.id = r.candidatura_id
LEFT JOIN LATERAL (
    SELECT n.id, n.numero FROM validacion.revisiones n
     WHERE n.candidatura_id = r.candidatura_id AND n.cuestionario = r.cuestionario
     ORDER BY n.numero DESC, n.id DESC LIMIT 1
) v ON true
WHERE r.id = $1
"""

# The last validated (approved) version of the same candidacy and questionnaire, older than this one.
LAST_APPROVED_SQL = """
SELECT id, numero, datos, resuelto_at FROM validacion.revisiones
WHERE candidatura_id = $1 AND cuestionario = $2 AND estado = 'aprobada' AND numero < $3
ORDER BY numero DESC, id DESC LIMIT 1
"""

# The automatic checks' flags of a review, with the other candidacy of a copy and its newest review of the same
# questionnaire (where the reviewer can compare both texts).
BANDERAS_SQL = """
SELECT b.id, b.tipo, b.clase, b.rubro, b.campo, b.inicio, b.fin, b.fragmento, b.estado, b.motivo, b.similitud,
       b.otra_candidatura_id,
       concat_ws(' ', o.nombre, o.primer_apellido, nullif(o.segundo_apellido, '')) AS otra_persona,
       (SELECT max(x.id) FROM validacion.revisiones x
         WHERE x.candidatura_id = b.otra_candidatura_id AND x.cuestionario = r.cuestionario) AS otra_revision_id
FROM validacion.banderas b
JOIN validacion.revisiones r ON r.id = b.revision_id
LEFT JOIN registro.candidaturas o ON o.id = b.otra_candidatura_id
WHERE b.revision_id = $1
ORDER BY b.rubro, b.campo, b.inicio, b.id
"""

# Before a bulk approval of one item: its open flags (an item with any is never approved in bulk) and whose it is.
OPEN_FLAGS_SQL = """
SELECT (SELECT count(*) FROM validacion.banderas b WHERE b.revision_id = r.id AND b.estado = 'abierta') AS abiertas,
       concat_ws(' ', c.nombre, c.primer_apellido, nullif(c.segundo_apellido, '')) AS persona
FROM validacion.revisiones r JOIN registro.candidaturas c ON c.id = r.candidatura_id
WHERE r.id = $1
"""
