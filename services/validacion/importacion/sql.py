"""SQL of the registry import: the lookups validation needs, the preview row, and the batched commit."""

CARGOS_SQL = "SELECT clave, nombre, ambito FROM registro.cargos ORDER BY orden"
MUNICIPIOS_SQL = "SELECT clave, nombre, elige_ayuntamiento FROM registro.municipios"
DISTRITOS_SQL = "SELECT numero FROM registro.distritos"
POSTULANTES_SQL = "SELECT id, siglas, nombre, tipo FROM registro.postulantes"
PROCESO_SQL = "SELECT id, jornada_electoral FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1"
REGISTERED_CURPS_SQL = "SELECT curp FROM registro.candidaturas WHERE proceso_id = $1 AND estatus = 'registrada'"
# Lower case, as the import compares them (and as auth compares logins and addresses).
REGISTERED_EMAILS_SQL = """
SELECT DISTINCT lower(correo) AS correo FROM registro.candidaturas
WHERE proceso_id = $1 AND estatus = 'registrada' AND correo IS NOT NULL
"""
# Positions already taken by live registrations: the same fórmula cannot be imported twice.
REGISTERED_POSITIONS_SQL = """
SELECT cargo, distrito, municipio, circunscripcion, postulante_id, numero, tipo
FROM registro.candidaturas WHERE proceso_id = $1 AND estatus = 'registrada'
"""

INSERT_IMPORTACION_SQL = """
INSERT INTO registro.importaciones (tipo, proceso_id, archivo, estado, filas, datos, errores, resumen, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id
"""
IMPORTACION_SQL = """
SELECT i.id, i.tipo, i.proceso_id, i.archivo, i.estado, i.filas, jsonb_array_length(i.errores) AS problemas_guardados,
       i.resumen, i.cuentas,
       i.created_at AS creada,
       i.committed_at AS aplicada
FROM registro.importaciones i WHERE i.id = $1
"""
# One page of the problems kept (a preview keeps at most the configured cap, in row order).
PROBLEMAS_SQL = """
SELECT jsonb_path_query_array(errores, '$[$desde to $hasta]', jsonb_build_object('desde', $2::int, 'hasta', $3::int))
FROM registro.importaciones WHERE id = $1
"""
# The first rows only: the preview shows a sample, the counts tell the rest.
MUESTRA_SQL = """
SELECT jsonb_path_query_array(datos, '$[0 to 19]') FROM registro.importaciones WHERE id = $1
"""
RECENT_SQL = """
SELECT id, archivo, estado, filas,
       created_at AS creada
FROM registro.importaciones WHERE tipo = ANY($1::text[]) ORDER BY id DESC LIMIT 10
"""
# Taken FOR UPDATE so two clicks on "Aplicar" cannot apply one preview twice.
LOCK_IMPORTACION_SQL = """
SELECT id, tipo, proceso_id, estado, datos, resumen FROM registro.importaciones WHERE id = $1 FOR UPDATE
"""
MARK_APPLIED_SQL = """
UPDATE registro.importaciones SET estado = 'aplicada', committed_at = now(), resumen = resumen || $2,
    cuentas = $3
WHERE id = $1
"""

# Serializes the commits of imports (a transaction-scoped advisory lock, released at commit or rollback).
LOCK_APPLY_SQL = "SELECT pg_advisory_xact_lock(hashtext('registro.importacion.aplicar'))"
POSITION_INDEX = "candidaturas_posicion_vigente_idx"
# Same columns and NULL rule as that index: a NULL distrito equals a NULL distrito.
POSITIONS_TAKEN_SQL = """
SELECT c.numero, c.tipo, k.nombre AS cargo_nombre, p.siglas
FROM unnest($2::text[], $3::integer[], $4::integer[], $5::integer[], $6::integer[], $7::integer[], $8::text[])
     AS f (cargo, distrito, municipio, circunscripcion, postulante_id, numero, tipo)
JOIN registro.candidaturas c
  ON c.proceso_id = $1 AND c.estatus = 'registrada' AND c.cargo = f.cargo
 AND c.distrito IS NOT DISTINCT FROM f.distrito AND c.municipio IS NOT DISTINCT FROM f.municipio
 AND c.circunscripcion IS NOT DISTINCT FROM f.circunscripcion AND c.postulante_id = f.postulante_id
 AND c.numero = f.numero AND c.tipo = f.tipo
JOIN registro.cargos k ON k.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
ORDER BY k.orden, c.numero, c.tipo
"""
CURPS_TAKEN_SQL = """
SELECT curp FROM registro.candidaturas WHERE proceso_id = $1 AND estatus = 'registrada' AND curp = ANY($2::text[])
"""
INSERT_POSTULANTE_SQL = """
INSERT INTO registro.postulantes (siglas, nombre, tipo) VALUES ($1, $2, $3)
ON CONFLICT (siglas) DO NOTHING
RETURNING id
"""
POSTULANTE_BY_SIGLAS_SQL = "SELECT id, nombre, tipo FROM registro.postulantes WHERE siglas = $1"
INSERT_POSTULANTE_PARTIDOS_SQL = """
INSERT INTO registro.postulante_partidos (postulante_id, partido_id)
SELECT $1, unnest($2::integer[]) ON CONFLICT DO NOTHING
"""
# One statement for the whole file: arrays in, ids out (keyed by CURP, unique in the file).
INSERT_CANDIDATURAS_SQL = """
INSERT INTO registro.candidaturas (proceso_id, cargo, distrito, municipio, circunscripcion, postulante_id, numero,
    tipo, nombre, primer_apellido, segundo_apellido, sobrenombre, sexo, fecha_nacimiento, curp, clave_elector, rfc,
    correo, telefono, accion_afirmativa, eleccion_consecutiva)
SELECT $1, r.* FROM unnest($2::text[], $3::integer[], $4::integer[], $5::integer[], $6::integer[], $7::integer[],
    $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::date[], $15::text[],
    $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::boolean[]) AS r
RETURNING id, curp
"""
LINK_PAIRS_SQL = """
UPDATE registro.candidaturas c SET pareja_id = u.pareja
FROM unnest($1::integer[], $2::integer[]) AS u (id, pareja)
WHERE c.id = u.id
"""
