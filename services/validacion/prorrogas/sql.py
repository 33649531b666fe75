"""SQL of the prórrogas screen (registro.prorrogas, read by captura through services/common/plazos.py)."""

PROCESO_SQL = """
SELECT id, captura_inicio, captura_fin, zona_horaria FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1
"""
POSTULANTES_SQL = "SELECT id, siglas, nombre FROM registro.postulantes ORDER BY siglas"
CANDIDATURA_SQL = """
SELECT c.id, c.nombre, c.primer_apellido, c.segundo_apellido, c.tipo, g.nombre AS cargo_nombre, p.siglas
FROM registro.candidaturas c
JOIN registro.cargos g ON g.clave = c.cargo
JOIN registro.postulantes p ON p.id = c.postulante_id
WHERE c.id = $1 AND c.proceso_id = $2 AND c.estatus = 'registrada'
"""
POSTULANTE_SQL = "SELECT id, siglas, nombre FROM registro.postulantes WHERE id = $1"
LIST_SQL = """
SELECT x.id, x.candidatura_id, x.postulante_id, x.fin, x.acuerdo, x.motivo, x.otorgada_por, x.created_at,
       x.revocada_at, x.revocada_por,
       c.nombre, c.primer_apellido, c.segundo_apellido, c.tipo, g.nombre AS cargo_nombre, cp.siglas AS de_siglas,
       s.siglas, s.nombre AS postulante_nombre
FROM registro.prorrogas x
LEFT JOIN registro.candidaturas c ON c.id = x.candidatura_id
LEFT JOIN registro.cargos g ON g.clave = c.cargo
LEFT JOIN registro.postulantes cp ON cp.id = c.postulante_id
LEFT JOIN registro.postulantes s ON s.id = x.postulante_id
WHERE x.proceso_id = $1
ORDER BY x.revocada_at IS NOT NULL, x.revocada_at DESC, x.fin DESC, x.id DESC
LIMIT 500
"""
INSERT_SQL = """
INSERT INTO registro.prorrogas (proceso_id, candidatura_id, postulante_id, fin, acuerdo, motivo, otorgada_por)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id
"""
REVOKE_SQL = """
UPDATE registro.prorrogas SET revocada_at = now(), revocada_por = $2
WHERE id = $1 AND revocada_at IS NULL
RETURNING candidatura_id, postulante_id, fin, acuerdo
"""
