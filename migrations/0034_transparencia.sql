-- The publication gate (issue #9): a submitted version with an open flag is never published, whatever the
-- validador did. The one rule every path that sends publico.publish asks (the approval, the publication-date cron,
-- Transparencia clearing the last flag), so none of them can forget a part of it.
CREATE FUNCTION validacion.espera_transparencia(revision bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM validacion.banderas b WHERE b.revision_id = revision AND b.estado = 'abierta')
$$;
