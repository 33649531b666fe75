-- Reportes 2 and 5 (issue 11): validacion tells reportes about its automatic flags and the placeholder rubros of
-- each submitted version (reportes.record_hecho), so the Calidad de datos report never reads validacion's schema.
-- `referencia` names what the fact is about (a flag's id, so its resolution meets it); `detalle` its attributes.
ALTER TABLE reportes.hechos DROP CONSTRAINT hechos_hecho_check;
ALTER TABLE reportes.hechos ADD CONSTRAINT hechos_hecho_check CHECK (
    hecho IN ('cuenta_entregada', 'consentimiento_cargado', 'bandera', 'bandera_resuelta', 'marcadores')
);
ALTER TABLE reportes.hechos ADD COLUMN referencia text;
ALTER TABLE reportes.hechos ADD COLUMN detalle jsonb NOT NULL DEFAULT '{}'::jsonb;
CREATE INDEX hechos_calidad_idx ON reportes.hechos (hecho, candidatura_id) WHERE hecho IN ('bandera', 'bandera_resuelta', 'marcadores');
