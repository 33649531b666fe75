-- Every column that references a candidatura gets an index, so removing or checking a candidacy (a cancelled
-- import's rows, a test's cleanup) never scans these tables once per row.
CREATE INDEX banderas_otra_candidatura_idx ON validacion.banderas (otra_candidatura_id)
    WHERE otra_candidatura_id IS NOT NULL;
CREATE INDEX huellas_propuestas_candidatura_idx ON validacion.huellas_propuestas (candidatura_id);
CREATE INDEX pausas_candidatura_idx ON validacion.pausas (candidatura_id);
