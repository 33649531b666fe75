"""SQL of the photo and the signed consent form (captura.fotos, captura.documentos_consentimiento)."""

INSERT_FOTO_SQL = """
INSERT INTO captura.fotos (candidatura_id, sha256, created_by) VALUES ($1, $2, $3) RETURNING id, created_at
"""
CURRENT_FOTO_SQL = """
SELECT sha256, created_at FROM captura.fotos WHERE candidatura_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1
"""
INSERT_DOCUMENTO_SQL = """
INSERT INTO captura.documentos_consentimiento (candidatura_id, sha256, extension, bytes, nombre_original, created_by)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id, created_at
"""
CURRENT_DOCUMENTO_SQL = """
SELECT sha256, extension, bytes, nombre_original, created_at FROM captura.documentos_consentimiento
WHERE candidatura_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1
"""
# The rule of independents (docs/design.md §4 Consentimiento): the signed form comes before any submit.
FALTA_DOCUMENTO_INDEPENDIENTE_SQL = """
SELECT p.tipo = 'independiente'
       AND NOT EXISTS (SELECT 1 FROM captura.documentos_consentimiento d WHERE d.candidatura_id = c.id)
FROM registro.candidaturas c
JOIN registro.postulantes p ON p.id = c.postulante_id
WHERE c.id = $1
"""
POSTULANTE_TIPO_SQL = """
SELECT p.tipo FROM registro.candidaturas c JOIN registro.postulantes p ON p.id = c.postulante_id WHERE c.id = $1
"""
PROCESO_NOMBRE_SQL = """
SELECT r.nombre FROM registro.candidaturas c JOIN registro.procesos r ON r.id = c.proceso_id WHERE c.id = $1
"""
# Staff see a photo only by a hash the candidacy itself uploaded (the one named by a submitted version).
FOTO_DE_CANDIDATURA_SQL = """
SELECT true FROM captura.fotos WHERE candidatura_id = $1 AND sha256 = $2 LIMIT 1
"""
