# Everything a profile shows, denormalized from registro at publish time.
PUBLISH_SQL = """
INSERT INTO publico.candidaturas AS p (
    id, cargo, cargo_nombre, cargo_orden, postulante, postulante_nombre, distrito, municipio, municipio_nombre,
    numero, tipo, sexo, edad, nombre_completo, primer_apellido, nombre_busqueda, curricular, envio_numero,
    declarado_at, revisado_at, published_at, foto, accion_afirmativa, postulante_tipo)
SELECT c.id, c.cargo, g.nombre, g.orden, s.siglas, s.nombre, c.distrito, c.municipio, m.nombre,
       c.numero, c.tipo, c.sexo, extract(year FROM age(current_date, c.fecha_nacimiento))::int,
       concat_ws(' ', c.nombre, c.primer_apellido, nullif(c.segundo_apellido, '')), c.primer_apellido,
       $2, $3, $4, $5, $6, now(), $7, c.accion_afirmativa, s.tipo
FROM registro.candidaturas c
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes s ON s.id = c.postulante_id
LEFT JOIN registro.municipios m ON m.clave = c.municipio
WHERE c.id = $1 AND c.estatus = 'registrada'
ON CONFLICT (id) DO UPDATE SET
    cargo = EXCLUDED.cargo, cargo_nombre = EXCLUDED.cargo_nombre, cargo_orden = EXCLUDED.cargo_orden,
    postulante = EXCLUDED.postulante, postulante_nombre = EXCLUDED.postulante_nombre,
    distrito = EXCLUDED.distrito, municipio = EXCLUDED.municipio, municipio_nombre = EXCLUDED.municipio_nombre,
    numero = EXCLUDED.numero, tipo = EXCLUDED.tipo, sexo = EXCLUDED.sexo, edad = EXCLUDED.edad,
    nombre_completo = EXCLUDED.nombre_completo, primer_apellido = EXCLUDED.primer_apellido,
    nombre_busqueda = EXCLUDED.nombre_busqueda, curricular = EXCLUDED.curricular,
    envio_numero = EXCLUDED.envio_numero, declarado_at = EXCLUDED.declarado_at,
    revisado_at = EXCLUDED.revisado_at, published_at = now(), foto = EXCLUDED.foto,
    accion_afirmativa = EXCLUDED.accion_afirmativa, postulante_tipo = EXCLUDED.postulante_tipo
-- An older version never replaces a newer one, and the same version delivered again (a worker killed after the
-- commit) changes nothing: no row returned, so no generation bump and no follow-up jobs (services/publico/jobs.py).
-- nombre_busqueda is left out: busqueda.refresh rewrites it after each publish (with the sobrenombre).
WHERE p.envio_numero < EXCLUDED.envio_numero
   OR (p.envio_numero = EXCLUDED.envio_numero
       AND (p.cargo, p.cargo_nombre, p.cargo_orden, p.postulante, p.postulante_nombre, p.distrito, p.municipio,
            p.municipio_nombre, p.numero, p.tipo, p.sexo, p.edad, p.nombre_completo, p.primer_apellido,
            p.curricular, p.declarado_at, p.revisado_at, p.foto, p.accion_afirmativa,
            p.postulante_tipo)
           IS DISTINCT FROM
           (EXCLUDED.cargo, EXCLUDED.cargo_nombre, EXCLUDED.cargo_orden, EXCLUDED.postulante,
            EXCLUDED.postulante_nombre, EXCLUDED.distrito, EXCLUDED.municipio, EXCLUDED.municipio_nombre,
            EXCLUDED.numero, EXCLUDED.tipo, EXCLUDED.sexo, EXCLUDED.edad, EXCLUDED.nombre_completo,
            EXCLUDED.primer_apellido, EXCLUDED.curricular, EXCLUDED.declarado_at,
            EXCLUDED.revisado_at, EXCLUDED.foto, EXCLUDED.accion_afirmativa, EXCLUDED.postulante_tipo))
RETURNING id
"""
SET_PROCEDENCIA_SQL = "UPDATE publico.candidaturas SET procedencia = $2 WHERE id = $1"
NAME_SQL = "SELECT concat_ws(' ', nombre, primer_apellido, segundo_apellido) FROM registro.candidaturas WHERE id = $1"
WITHDRAW_SQL = "DELETE FROM publico.candidaturas WHERE id = $1 RETURNING id"
# The photo files under publico/ are shared by name (content hash): they go only when no published row uses them.
# Row lock first, then the per-photo lock (in sorted order): publish and withdraw never wait on each other in a cycle.
PUBLISHED_FOTO_SQL = "SELECT foto FROM publico.candidaturas WHERE id = $1 FOR UPDATE"
LOCK_PUBLISHED_SQL = "SELECT id, foto FROM publico.candidaturas WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE"
LOCK_FOTO_SQL = "SELECT pg_advisory_xact_lock(hashtextextended('publico.foto:' || $1, 0))"
# A publish that only adds a reference to a photo takes the lock shared: publishes showing the same photo (a lote
# locks its photos for its whole transaction) do not wait for each other, only for a drop of that photo.
SHARE_FOTO_SQL = "SELECT pg_advisory_xact_lock_shared(hashtextextended('publico.foto:' || $1, 0))"
FOTO_IN_USE_SQL = "SELECT EXISTS (SELECT 1 FROM publico.candidaturas WHERE foto = $1)"
BUMP_GENERATION_SQL = (
    "UPDATE publico.publicacion SET generacion = generacion + 1, updated_at = now() RETURNING generacion"
)
GENERATION_SQL = "SELECT generacion, updated_at FROM publico.publicacion"

COLUMNS = """id, cargo, cargo_nombre, postulante, postulante_nombre, postulante_tipo, distrito, municipio,
             municipio_nombre, numero, tipo, sexo, edad, nombre_completo, curricular, declarado_at, revisado_at, foto,
             sobrenombre"""

# What a list row shows (a card, an API summary): never the questionnaires, so a page reads no TOASTed jsonb.
LIST_COLUMNS = """id, cargo, cargo_nombre, postulante, postulante_nombre, postulante_tipo, distrito, municipio,
                  municipio_nombre, numero, tipo, sexo, edad, nombre_completo, foto, sobrenombre"""

# Order is neutral (docs/design.md §6): cargo and ámbito, then position, then surname; never by party.
# candidaturas_orden_idx (migrations/0051_publico_lista_indices.sql) holds exactly these expressions.
# {where} is built by .query from the filter table (.filters): table fragments and numbered placeholders only.
# NULL curricular: only the identidad arrived so far (migrations/0011_identidad.sql).
PUBLISHED_SQL = "curricular IS NOT NULL"
SORT_ORDER = "cargo_orden, coalesce(distrito, 0), coalesce(municipio, 0), numero, primer_apellido, id"
LIST_SQL = f"""
SELECT {LIST_COLUMNS}
FROM publico.candidaturas
WHERE {{where}}
ORDER BY {SORT_ORDER}
LIMIT {{limite}}
"""  # noqa: S608
COUNT_SQL = "SELECT count(*) FROM publico.candidaturas\nWHERE {where}"
# The same total for filters on publico.totales' columns only (migrations/0052_publico_totales.sql): the folded
# totals plus the changes not folded yet, read in one statement, so at one snapshot.
COUNT_TOTALES_SQL = """
SELECT coalesce(sum(n), 0) FROM (
    SELECT n FROM publico.totales WHERE {where}
    UNION ALL
    SELECT n FROM publico.totales_cambios WHERE {where}
) AS t"""
# Keyset pagination: the rows after the sort key of the cursor's row.
CURSOR_SQL = f"({SORT_ORDER}) > ({{}}::int, {{}}::int, {{}}::int, {{}}::int, {{}}::text, {{}}::int)"
SORT_KEY_SQL = """
SELECT cargo_orden, coalesce(distrito, 0) AS distrito, coalesce(municipio, 0) AS municipio, numero, primer_apellido, id
FROM publico.candidaturas WHERE id = $1
"""
PROFILE_SQL = f"SELECT {COLUMNS} FROM publico.candidaturas WHERE id = $1 AND curricular IS NOT NULL"  # noqa: S608
COUNTS_SQL = """
SELECT cargo, cargo_nombre, count(*) AS total FROM publico.candidaturas WHERE curricular IS NOT NULL
GROUP BY cargo_orden, cargo, cargo_nombre ORDER BY cargo_orden
"""
# What the home page says about the process (migrations/0030_paginas_publicas.sql for the acuerdo).
PROCESO_SQL = """
SELECT nombre, captura_inicio, captura_fin, publicacion_inicio, jornada_electoral, acuerdo_publicacion_numero,
       acuerdo_publicacion_fecha, zona_horaria
FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1
"""
