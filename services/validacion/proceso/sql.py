"""SQL of the process settings screen."""

PROCESO_SQL = """
SELECT id, clave, nombre, captura_inicio, captura_fin, publicacion_inicio, jornada_electoral, configuracion,
       zona_horaria, acuerdo_publicacion_numero, acuerdo_publicacion_fecha
FROM registro.procesos WHERE activo ORDER BY id DESC LIMIT 1
"""
CARGOS_SQL = "SELECT clave, nombre FROM registro.cargos ORDER BY orden"
LOCK_SQL = """
SELECT captura_inicio, captura_fin, publicacion_inicio, jornada_electoral, configuracion, zona_horaria,
       acuerdo_publicacion_numero, acuerdo_publicacion_fecha
FROM registro.procesos WHERE id = $1 FOR UPDATE
"""
UPDATE_SQL = """
UPDATE registro.procesos
SET captura_inicio = $2, captura_fin = $3, publicacion_inicio = $4, jornada_electoral = $5, configuracion = $6,
    zona_horaria = $7, acuerdo_publicacion_numero = $8, acuerdo_publicacion_fecha = $9
WHERE id = $1
"""
