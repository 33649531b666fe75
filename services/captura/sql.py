# Scope: a candidate acts only on the candidacies in its session; a representative on its postulante's.
CANDIDATURA_SQL = """
SELECT c.id, c.nombre, c.primer_apellido, c.segundo_apellido, c.tipo, c.sexo, c.numero, c.cargo,
       g.nombre AS cargo_nombre, p.siglas, p.nombre AS postulante_nombre, p.tipo AS postulante_tipo, c.distrito,
       m.nombre AS municipio_nombre
FROM registro.candidaturas c
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
LEFT JOIN registro.municipios m ON m.clave = c.municipio
WHERE c.id = $1 AND c.estatus = 'registrada' AND (c.id = ANY($2::int[]) OR c.postulante_id = $3)
"""

ENSURE_CUESTIONARIO_SQL = """
INSERT INTO captura.cuestionarios (candidatura_id, cuestionario) VALUES ($1, $2)
ON CONFLICT DO NOTHING
"""
CUESTIONARIO_SQL = "SELECT estado, envios FROM captura.cuestionarios WHERE candidatura_id = $1 AND cuestionario = $2"
CUESTIONARIO_FOR_UPDATE_SQL = CUESTIONARIO_SQL + " FOR UPDATE"

RESPUESTAS_SQL = """
SELECT rubro, datos, version FROM captura.respuestas WHERE candidatura_id = $1 AND cuestionario = $2
"""
RESPUESTA_SQL = """
SELECT datos, version FROM captura.respuestas WHERE candidatura_id = $1 AND cuestionario = $2 AND rubro = $3
"""

# Optimistic concurrency: the update applies only on the version the form was loaded with.
SAVE_SQL = """
INSERT INTO captura.respuestas AS r (candidatura_id, cuestionario, rubro, datos, version, updated_by)
VALUES ($1, $2, $3, $4, 1, $5)
ON CONFLICT (candidatura_id, cuestionario, rubro) DO UPDATE
   SET datos = EXCLUDED.datos, version = r.version + 1, updated_by = EXCLUDED.updated_by, updated_at = now()
 WHERE r.version = $6
RETURNING version
"""

# The photo: no version check, a new one simply replaces the last (it is one value, not a text people edit).
SAVE_LATEST_SQL = """
INSERT INTO captura.respuestas AS r (candidatura_id, cuestionario, rubro, datos, version, updated_by)
VALUES ($1, $2, $3, $4, 1, $5)
ON CONFLICT (candidatura_id, cuestionario, rubro) DO UPDATE
   SET datos = EXCLUDED.datos, version = r.version + 1, updated_by = EXCLUDED.updated_by, updated_at = now()
RETURNING version
"""

SET_ESTADO_SQL = """
UPDATE captura.cuestionarios SET estado = $3, updated_at = now()
WHERE candidatura_id = $1 AND cuestionario = $2
"""

INSERT_ENVIO_SQL = """
INSERT INTO captura.envios (candidatura_id, cuestionario, numero, datos, enviado_por)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, enviado_at
"""
# The new state is `enviado`, or `revision_partido` when the process has the party-validation step.
SUBMITTED_SQL = """
UPDATE captura.cuestionarios SET estado = $4, envios = $3, updated_at = now()
WHERE candidatura_id = $1 AND cuestionario = $2
"""

# Applied by captura.set_estado only to the version it is about: a late message about an older submission
# must not overwrite a newer state.
SET_ESTADO_FOR_ENVIO_SQL = """
UPDATE captura.cuestionarios SET estado = $4, updated_at = now()
WHERE candidatura_id = $1 AND cuestionario = $2 AND envios = $3 AND estado <> $4
RETURNING estado
"""

INSERT_OBSERVACION_SQL = """
INSERT INTO captura.observaciones (candidatura_id, cuestionario, numero, rubro, fundamento, texto)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING
"""
# The observations that matter now: those on the latest submitted version, while it is being corrected.
OPEN_OBSERVACIONES_SQL = """
SELECT o.rubro, o.fundamento, o.texto
FROM captura.observaciones o
JOIN captura.cuestionarios q ON q.candidatura_id = o.candidatura_id AND q.cuestionario = o.cuestionario
WHERE o.candidatura_id = $1 AND o.cuestionario = $2 AND o.numero = q.envios AND q.estado = 'con_observaciones'
ORDER BY o.rubro
"""

# A representative's (or candidate's) table: every candidacy in scope with its answers and open observations.
PROGRESS_SQL = """
SELECT c.id, c.nombre, c.primer_apellido, c.segundo_apellido, c.tipo, c.sexo, c.numero, c.cargo,
       g.nombre AS cargo_nombre, p.siglas, p.tipo AS postulante_tipo, c.distrito, c.municipio,
       m.nombre AS municipio_nombre,
       coalesce(q.estado, 'pendiente') AS estado,
       coalesce((SELECT jsonb_object_agg(r.rubro, r.datos) FROM captura.respuestas r
                  WHERE r.candidatura_id = c.id AND r.cuestionario = 'curricular'), '{}'::jsonb) AS respuestas,
       (SELECT count(*) FROM captura.observaciones o
         WHERE o.candidatura_id = c.id AND o.cuestionario = 'curricular' AND o.numero = q.envios
           AND q.estado = 'con_observaciones') AS observaciones,
       (SELECT max(x.fin) FROM registro.prorrogas x
         WHERE x.proceso_id = c.proceso_id AND x.revocada_at IS NULL
           AND (x.candidatura_id = c.id OR x.postulante_id = c.postulante_id)) AS prorroga_fin
FROM registro.candidaturas c
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
LEFT JOIN registro.municipios m ON m.clave = c.municipio
LEFT JOIN captura.cuestionarios q ON q.candidatura_id = c.id AND q.cuestionario = 'curricular'
WHERE c.estatus = 'registrada' AND (c.id = ANY($1::int[]) OR c.postulante_id = $2)
  AND ($3::text IS NULL OR c.cargo = $3)
  AND ($4::text IS NULL OR coalesce(q.estado, 'pendiente') = $4)
  AND ($5::int IS NULL OR c.distrito = $5 OR c.municipio = $5)
ORDER BY g.orden, c.distrito, c.municipio, c.numero, c.tipo, c.primer_apellido
LIMIT 5000
"""
CARGOS_SQL = "SELECT clave, nombre FROM registro.cargos ORDER BY orden"
# The dashboard's ámbito filter by name, accent- and case-free: a municipio by its name, else a district by its
# cabecera (the catalogs are small; no index needed).
AMBITO_POR_NOMBRE_SQL = """
SELECT coalesce(
    (SELECT clave FROM registro.municipios WHERE translate(lower(nombre), 'áéíóúüñ', 'aeiouun') = $1
     ORDER BY clave LIMIT 1),
    (SELECT numero FROM registro.distritos WHERE translate(lower(cabecera), 'áéíóúüñ', 'aeiouun') = $1
     ORDER BY numero LIMIT 1))
"""

HISTORY_ENVIOS_SQL = """
SELECT cuestionario, numero, datos, enviado_at FROM captura.envios
WHERE candidatura_id = $1 ORDER BY enviado_at DESC, numero DESC
"""
HISTORY_OBSERVACIONES_SQL = """
SELECT cuestionario, numero, rubro, fundamento, texto, received_at FROM captura.observaciones
WHERE candidatura_id = $1 ORDER BY numero, rubro
"""

ROUNDS_USED_SQL = """
SELECT count(*) FROM captura.solicitudes_correccion
WHERE candidatura_id = $1 AND cuestionario = $2 AND estado <> 'rechazada'
"""
OPEN_REQUEST_SQL = """
SELECT id, rubros, motivo, estado, created_at FROM captura.solicitudes_correccion
WHERE candidatura_id = $1 AND cuestionario = $2 ORDER BY id DESC LIMIT 1
"""
INSERT_REQUEST_SQL = """
INSERT INTO captura.solicitudes_correccion (candidatura_id, cuestionario, numero, rubros, motivo, created_by)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING
RETURNING id, created_at
"""
DECIDE_REQUEST_SQL = """
UPDATE captura.solicitudes_correccion SET estado = $2, resuelto_at = now()
WHERE id = $1 AND estado = 'pendiente'
RETURNING candidatura_id, cuestionario, numero, rubros
"""
# An approved correction opens the published questionnaire again; the public site keeps the published version.
OPEN_FOR_CORRECTION_SQL = """
UPDATE captura.cuestionarios SET estado = 'en_correccion', updated_at = now()
WHERE candidatura_id = $1 AND cuestionario = $2 AND envios = $3 AND estado = 'publicado'
RETURNING estado
"""

# A cancelled or substituted registration: its questionnaires are kept, never edited or shown again.
RETIRE_SQL = """
UPDATE captura.cuestionarios SET estado = 'retirado', updated_at = now()
WHERE candidatura_id = $1 AND estado <> 'retirado'
RETURNING cuestionario
"""

APPROVED_CORRECTION_RUBROS_SQL = """
SELECT coalesce((SELECT rubros FROM captura.solicitudes_correccion
                  WHERE candidatura_id = $1 AND cuestionario = $2 AND estado = 'aprobada'
                  ORDER BY id DESC LIMIT 1), '{}'::text[])
"""

# The party-validation step: the submitted version the representante decides on, and what waits for it.
ENVIO_SQL = """
SELECT id, datos, enviado_at FROM captura.envios WHERE candidatura_id = $1 AND cuestionario = $2 AND numero = $3
"""
PARTY_PENDING_SQL = """
SELECT c.id, c.nombre, c.primer_apellido, c.segundo_apellido, c.tipo, c.sexo, g.nombre AS cargo_nombre,
       q.cuestionario, q.envios, q.updated_at
FROM captura.cuestionarios q
JOIN registro.candidaturas c ON c.id = q.candidatura_id
JOIN registro.cargos g ON g.clave = c.cargo
WHERE q.estado = 'revision_partido' AND c.estatus = 'registrada' AND c.postulante_id = $1
ORDER BY q.updated_at, c.id, q.cuestionario
LIMIT 5000
"""
