-- Status history of every questionnaire, appended by reportes.record_status (idempotent by job key).
CREATE TABLE reportes.historial_estados (
    id             bigserial PRIMARY KEY,
    job_key        text NOT NULL UNIQUE,
    candidatura_id integer NOT NULL,
    cuestionario   text NOT NULL,
    estado         text NOT NULL,
    at             timestamptz NOT NULL
);
CREATE INDEX historial_candidatura_idx ON reportes.historial_estados (candidatura_id, cuestionario, at);
