-- Report 3 counts the month's saved answers from the audit trail: captura writes one audit row per save
-- (actions guardar_rubro and subir_foto) in the save's own transaction, so no job per save is needed and none can
-- be lost. This index keeps that count a range scan over the month however long the trail grows.
CREATE INDEX eventos_guardados_idx ON audit.eventos (at)
    WHERE service = 'captura' AND action IN ('guardar_rubro', 'subir_foto') AND entity = 'candidatura';

-- The 'guardado' facts captura used to send (one job per save) repeat those audit rows: nothing reads them now.
DELETE FROM reportes.hechos WHERE hecho = 'guardado';
ALTER TABLE reportes.hechos DROP CONSTRAINT hechos_hecho_check;
ALTER TABLE reportes.hechos ADD CONSTRAINT hechos_hecho_check
    CHECK (hecho IN ('cuenta_entregada', 'consentimiento_cargado', 'bandera', 'bandera_resuelta', 'marcadores'));
