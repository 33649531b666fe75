"""SQL of a candidacy's audit trail: its own events, and those of other entities that name it."""

# $1 is the candidacy's id as text (audit.eventos.entity_id is text). Each branch of ``ids`` uses an index
# (eventos_entity_idx, and the two expression indexes of migrations/0036_pausas.sql); both queries share it.
EVENTOS_SQL = """
WITH ids AS (
    SELECT id FROM audit.eventos WHERE entity = 'candidatura' AND entity_id = $1
    UNION
    SELECT id FROM audit.eventos WHERE details ? 'candidatura_id' AND details ->> 'candidatura_id' = $1
    UNION
    SELECT id FROM audit.eventos WHERE action = 'sustituir_candidatura' AND details ->> 'nueva' = $1
)
SELECT e.id, e.at, e.service, e.action, e.entity, e.entity_id, e.actor_username, e.client_addr, e.request_id,
       e.details
FROM audit.eventos e JOIN ids USING (id)
ORDER BY e.at DESC, e.id DESC
LIMIT $2 OFFSET $3
"""
TOTAL_SQL = """
SELECT count(*) FROM (
    SELECT id FROM audit.eventos WHERE entity = 'candidatura' AND entity_id = $1
    UNION
    SELECT id FROM audit.eventos WHERE details ? 'candidatura_id' AND details ->> 'candidatura_id' = $1
    UNION
    SELECT id FROM audit.eventos WHERE action = 'sustituir_candidatura' AND details ->> 'nueva' = $1
) ids
"""
CANDIDATURA_SQL = """
SELECT c.id, c.nombre, c.primer_apellido, c.segundo_apellido, c.estatus, k.nombre AS cargo_nombre, p.siglas,
       p.tipo AS postulante_tipo
FROM registro.candidaturas c
JOIN registro.cargos k ON k.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
WHERE c.id = $1
"""

SEARCH_LIMIT = 100
_SEARCH_COLUMNS = """
SELECT c.id, c.nombre, c.primer_apellido, c.segundo_apellido, c.tipo, c.sexo, c.numero, c.estatus,
       k.nombre AS cargo_nombre, p.siglas, p.tipo AS postulante_tipo,
       coalesce('Distrito ' || c.distrito, m.nombre, 'Estatal') AS ambito
FROM registro.candidaturas c
JOIN registro.cargos k ON k.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
LEFT JOIN registro.municipios m ON m.clave = c.municipio
"""
BY_ID_SQL = _SEARCH_COLUMNS + "WHERE c.id = $1"
# $1 is a LIKE pattern from services.common.boundary.like_contains; accent-free like the registry's own search.
SEARCH_SQL = (
    _SEARCH_COLUMNS
    + """
JOIN registro.procesos pr ON pr.id = c.proceso_id AND pr.activo
WHERE translate(lower(c.nombre || ' ' || c.primer_apellido || ' ' || c.segundo_apellido || ' ' || c.curp),
                'áéíóúüñ', 'aeiouun') LIKE $1 ESCAPE '\\'
ORDER BY k.orden, c.distrito NULLS FIRST, m.nombre NULLS FIRST, p.siglas, c.numero, c.tipo, c.id
LIMIT 100
"""
)
