"""SQL of the candidacies screens and of substitutions and cancellations."""

# Accent-free search over name and CURP: core PostgreSQL only (no unaccent), see docs/design.md §7.
LIST_SQL = """
SELECT c.id, c.nombre, c.primer_apellido, c.segundo_apellido, c.curp, c.numero, c.tipo, c.sexo, c.estatus,
       k.nombre AS cargo, p.siglas, p.tipo AS postulante_tipo,
       coalesce('Distrito ' || c.distrito, m.nombre, 'Estatal') AS ambito
FROM registro.candidaturas c
JOIN registro.procesos pr ON pr.id = c.proceso_id AND pr.activo
JOIN registro.cargos k ON k.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
LEFT JOIN registro.municipios m ON m.clave = c.municipio
-- $1 is a LIKE pattern built by services.common.boundary.like_contains (wildcards escaped), or ''.
WHERE ($1 = '' OR translate(lower(c.nombre || ' ' || c.primer_apellido || ' ' || c.segundo_apellido || ' '
                                  || c.curp || ' ' || p.siglas), 'áéíóúüñ', 'aeiouun') LIKE $1 ESCAPE '\\')
  AND ($2 = '' OR c.estatus = $2)
ORDER BY k.orden, c.distrito NULLS FIRST, m.nombre NULLS FIRST, p.siglas, c.numero, c.tipo, c.id
LIMIT 200
"""
DETAIL_SQL = """
SELECT c.*, k.nombre AS cargo_nombre, k.ambito AS cargo_ambito, p.siglas, p.nombre AS postulante_nombre,
       p.tipo AS postulante_tipo, m.nombre AS municipio_nombre, pa.tipo AS pareja_tipo, pa.sexo AS pareja_sexo,
       pa.nombre || ' ' || pa.primer_apellido || ' ' || pa.segundo_apellido AS pareja_nombre,
       (SELECT s.id FROM registro.candidaturas s WHERE s.sustituye_a = c.id ORDER BY s.id DESC LIMIT 1)
           AS sustituida_por
FROM registro.candidaturas c
JOIN registro.cargos k ON k.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
LEFT JOIN registro.municipios m ON m.clave = c.municipio
LEFT JOIN registro.candidaturas pa ON pa.id = c.pareja_id
WHERE c.id = $1
"""
LOCK_SQL = """
SELECT c.id, c.proceso_id, c.cargo, c.estatus, c.pareja_id, k.nombre AS cargo_nombre, pr.jornada_electoral
FROM registro.candidaturas c
JOIN registro.cargos k ON k.clave = c.cargo
JOIN registro.procesos pr ON pr.id = c.proceso_id
WHERE c.id = $1
FOR UPDATE OF c
"""
RETIRE_SQL = """
UPDATE registro.candidaturas SET estatus = $2, motivo_baja = $3, updated_at = now()
WHERE id = $1 AND estatus = 'registrada'
RETURNING id
"""
# The new person takes the old record's place: same cargo, ámbito, postulante, position and partner.
SUBSTITUTE_SQL = """
INSERT INTO registro.candidaturas (proceso_id, cargo, distrito, municipio, circunscripcion, postulante_id, numero,
    tipo, pareja_id, nombre, primer_apellido, segundo_apellido, sobrenombre, sexo, fecha_nacimiento, curp,
    clave_elector, rfc, correo, telefono, accion_afirmativa, eleccion_consecutiva, sustituye_a)
SELECT proceso_id, cargo, distrito, municipio, circunscripcion, postulante_id, numero, tipo, pareja_id,
       $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, accion_afirmativa, $13, id
FROM registro.candidaturas WHERE id = $1
RETURNING id
"""
RELINK_PARTNER_SQL = "UPDATE registro.candidaturas SET pareja_id = $2, updated_at = now() WHERE id = $1"
