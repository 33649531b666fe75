-- The optional party-validation step (DESIGN.md §4): a submitted questionnaire waits in `revision_partido`
-- until the candidacy's representante approves it (then it goes to the institute) or returns it with comments.
ALTER TABLE captura.cuestionarios DROP CONSTRAINT cuestionarios_estado_check;
ALTER TABLE captura.cuestionarios ADD CONSTRAINT cuestionarios_estado_check CHECK (estado IN (
    'pendiente', 'en_captura', 'revision_partido', 'enviado', 'con_observaciones', 'validado', 'publicado',
    'en_correccion', 'retirado', 'pausado'));
