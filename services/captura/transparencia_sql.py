"""SQL of the Unidad de Transparencia's screens over captura's consents and signed forms (transparencia_views.py)."""

# The current state of each consent (latest row per type) and of the signed form, per registered candidacy of
# the active process. $1 is a LIKE pattern built by services.common.boundary.like_contains or ''; $2 a filter
# key of transparencia_views.FILTROS or ''; $3/$4 limit and offset. Accent-free search in core PostgreSQL.
LIST_SQL = """
SELECT c.id, c.nombre, c.primer_apellido, c.segundo_apellido, c.tipo, c.sexo, c.numero,
       k.nombre AS cargo, p.siglas, p.tipo AS postulante_tipo,
       coalesce('Distrito ' || c.distrito, m.nombre, 'Estatal') AS ambito,
       c1.otorgado AS c1_otorgado, c1.at AS c1_at, c2.otorgado AS c2_otorgado, c2.at AS c2_at,
       c3.otorgado AS c3_otorgado, c3.at AS c3_at, d.created_at AS documento_at,
       count(*) OVER () AS total
FROM registro.candidaturas c
JOIN registro.procesos pr ON pr.id = c.proceso_id AND pr.activo
JOIN registro.cargos k ON k.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
LEFT JOIN registro.municipios m ON m.clave = c.municipio
LEFT JOIN LATERAL (SELECT otorgado, at FROM captura.consentimientos
                   WHERE candidatura_id = c.id AND tipo = 1 ORDER BY id DESC LIMIT 1) c1 ON true
LEFT JOIN LATERAL (SELECT otorgado, at FROM captura.consentimientos
                   WHERE candidatura_id = c.id AND tipo = 2 ORDER BY id DESC LIMIT 1) c2 ON true
LEFT JOIN LATERAL (SELECT otorgado, at FROM captura.consentimientos
                   WHERE candidatura_id = c.id AND tipo = 3 ORDER BY id DESC LIMIT 1) c3 ON true
LEFT JOIN LATERAL (SELECT created_at FROM captura.documentos_consentimiento
                   WHERE candidatura_id = c.id ORDER BY created_at DESC, id DESC LIMIT 1) d ON true
WHERE c.estatus = 'registrada'
  AND ($1 = '' OR translate(lower(c.nombre || ' ' || c.primer_apellido || ' ' || c.segundo_apellido || ' '
                                  || p.siglas || ' ' || p.nombre), 'áéíóúüñ', 'aeiouun') LIKE $1 ESCAPE '\\')
  AND ($2 = ''
       OR ($2 = 'formato_pendiente' AND p.tipo = 'independiente' AND d.created_at IS NULL)
       OR ($2 = 'retiradas' AND (c2.otorgado IS FALSE OR c3.otorgado IS FALSE))
       OR ($2 = 'sin_tratamiento' AND c1.otorgado IS NOT TRUE))
ORDER BY k.orden, c.distrito NULLS FIRST, m.nombre NULLS FIRST, p.siglas, c.numero, c.tipo, c.id
LIMIT $3 OFFSET $4
"""
DETAIL_SQL = """
SELECT c.id, c.nombre, c.primer_apellido, c.segundo_apellido, c.tipo, c.sexo, c.numero, c.accion_afirmativa,
       k.nombre AS cargo_nombre, p.siglas, p.nombre AS postulante_nombre, p.tipo AS postulante_tipo,
       coalesce('Distrito ' || c.distrito, m.nombre, 'Estatal') AS ambito
FROM registro.candidaturas c
JOIN registro.cargos k ON k.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
LEFT JOIN registro.municipios m ON m.clave = c.municipio
WHERE c.id = $1
"""
HISTORIAL_SQL = """
SELECT c.id, c.tipo, c.otorgado, c.at, r.fecha_solicitud, r.folio, r.nota
FROM captura.consentimientos c
LEFT JOIN captura.revocaciones_escritas r ON r.consentimiento_id = c.id
WHERE c.candidatura_id = $1
ORDER BY c.id DESC
"""
DOCUMENTOS_SQL = """
SELECT id, extension, bytes, nombre_original, created_at FROM captura.documentos_consentimiento
WHERE candidatura_id = $1 ORDER BY created_at DESC, id DESC
"""
DOCUMENTO_SQL = """
SELECT id, sha256, extension FROM captura.documentos_consentimiento WHERE candidatura_id = $1 AND id = $2
"""
