"""SQL of Transparencia's queue of flags and its decisions (validacion.banderas, migration 0031)."""

# Oldest first: the order in which they arrived is the order in which they block a publication.
FLAG_COLUMNS = """
b.id, b.revision_id, b.candidatura_id, b.tipo, b.clase, b.rubro, b.campo, b.inicio, b.fin, b.fragmento,
b.otra_candidatura_id, b.similitud, b.created_at,
r.cuestionario, r.numero, r.estado AS revision_estado, r.datos #>> ARRAY[b.rubro, b.campo] AS texto,
c.nombre, c.primer_apellido, c.segundo_apellido, g.nombre AS cargo_nombre, p.siglas, p.tipo AS postulante_tipo,
concat_ws(' ', o.nombre, o.primer_apellido, nullif(o.segundo_apellido, '')) AS otra_persona
"""
FLAG_JOINS = """
FROM validacion.banderas b
JOIN validacion.revisiones r ON r.id = b.revision_id
JOIN registro.candidaturas c ON c.id = b.candidatura_id
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
LEFT JOIN registro.candidaturas o ON o.id = b.otra_candidatura_id
"""
OPEN_FLAGS_SQL = f"""
SELECT {FLAG_COLUMNS}, now() - b.created_at AS espera
{FLAG_JOINS}
WHERE b.estado = 'abierta'
ORDER BY b.created_at, b.id
LIMIT $1 OFFSET $2
"""
OPEN_FLAGS_COUNT_SQL = "SELECT count(*) FROM validacion.banderas WHERE estado = 'abierta'"

# The review is locked first, so decisions on flags of one review run one after the other: the one that clears
# the last open flag sees every other decision and publishes; two people deciding one flag, the second finds it
# resolved.
LOCK_REVIEW_OF_FLAG_SQL = """
SELECT r.id, r.candidatura_id, r.cuestionario, r.numero, r.datos, r.created_at, r.resuelto_at, r.estado,
       r.publicacion_solicitada_at
FROM validacion.revisiones r
WHERE r.id = (SELECT revision_id FROM validacion.banderas WHERE id = $1)
FOR UPDATE
"""
DECIDE_FLAG_SQL = """
UPDATE validacion.banderas SET estado = $2, motivo = $3, resuelto_por = $4, resuelto_at = now()
WHERE id = $1 AND estado = 'abierta'
RETURNING id, revision_id, candidatura_id, tipo, clase, rubro, campo, estado, resuelto_at
"""
# A decided flag, for the message after a decision and for the one who arrived second.
DECIDED_FLAG_SQL = f"""
SELECT {FLAG_COLUMNS}, b.estado, b.resuelto_at
{FLAG_JOINS}
WHERE b.id = $1
"""

# Clearing the last open flag of an approved version whose publication date has passed publishes it now.
PUBLISH_CLEARED_SQL = """
UPDATE validacion.revisiones SET publicacion_solicitada_at = now()
WHERE id = $1 AND estado = 'aprobada' AND publicacion_solicitada_at IS NULL
  AND NOT validacion.espera_transparencia(id) AND $2::boolean
RETURNING id, candidatura_id, cuestionario, numero, datos, created_at, resuelto_at
"""

# Confirming a flag returns the version to the candidacy: a pending review, or an approved one that was never sent
# to publico (the gate held it), becomes devuelta, so it never publishes.
REVERT_FOR_FLAG_SQL = """
UPDATE validacion.revisiones SET estado = 'devuelta', resuelto_por = $2, resuelto_at = now()
WHERE id = $1 AND (estado = 'pendiente' OR (estado = 'aprobada' AND publicacion_solicitada_at IS NULL))
RETURNING id, candidatura_id, cuestionario, numero, resuelto_at
"""
