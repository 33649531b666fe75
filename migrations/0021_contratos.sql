-- Typed job contracts (services/common/contracts.py).

-- A job whose payload its contract refuses is marked failed, with the error in last_error: the relay no longer
-- hands it over, and an operator finds it with `SELECT * FROM outbox.jobs WHERE failed_at IS NOT NULL`.
ALTER TABLE outbox.jobs ADD COLUMN failed_at timestamptz;
CREATE INDEX jobs_failed_idx ON outbox.jobs (failed_at) WHERE failed_at IS NOT NULL;

-- auth creates the lote of an import or a substitution from the auth.provision message, keyed by its origin
-- ('importacion:<id>', 'sustitucion:<new candidatura id>'), so a repeated message creates one lote.
ALTER TABLE auth.lotes_cuentas ADD COLUMN origen text;
CREATE UNIQUE INDEX lotes_cuentas_origen_idx ON auth.lotes_cuentas (origen) WHERE origen IS NOT NULL;
-- The lotes validacion created before: their import still links to them by origin.
UPDATE auth.lotes_cuentas l SET origen = 'importacion:' || i.id
FROM registro.importaciones i WHERE i.lote_id = l.id;

-- Jobs written before the contracts and not yet run: the names every job now has (<owner>.<verb>) and the
-- submitted version with its photo and consents as fields.
UPDATE outbox.jobs SET function = 'validacion.open_review',
    args = (args - 'datos') || jsonb_build_object('version',
        jsonb_build_object('respuestas', (args -> 'datos') - 'foto' - '_consentimientos')
        || CASE WHEN args -> 'datos' ? 'foto' THEN jsonb_build_object('foto', args -> 'datos' -> 'foto') ELSE '{}' END
        || CASE WHEN args -> 'datos' ? '_consentimientos'
                THEN jsonb_build_object('consentimientos', args -> 'datos' -> '_consentimientos') ELSE '{}' END)
WHERE function = 'review.open' AND done_at IS NULL;
UPDATE outbox.jobs SET function = 'validacion.correction_request'
WHERE function = 'review.correction_request' AND done_at IS NULL;
UPDATE outbox.jobs SET
    args = (args - 'datos') || jsonb_build_object('version',
        jsonb_build_object('respuestas', (args -> 'datos') - 'foto' - '_consentimientos')
        || CASE WHEN args -> 'datos' ? 'foto' THEN jsonb_build_object('foto', args -> 'datos' -> 'foto') ELSE '{}' END
        || CASE WHEN args -> 'datos' ? '_consentimientos'
                THEN jsonb_build_object('consentimientos', args -> 'datos' -> '_consentimientos') ELSE '{}' END)
WHERE function = 'publico.publish' AND done_at IS NULL AND args ? 'datos';

-- validacion no longer knows the lote's id: an import records only whether it asked for accounts, and its page
-- links to auth's page of the lote by the import's id.
ALTER TABLE registro.importaciones ADD COLUMN cuentas boolean NOT NULL DEFAULT false;
UPDATE registro.importaciones SET cuentas = true WHERE lote_id IS NOT NULL;
ALTER TABLE registro.importaciones DROP COLUMN lote_id;
