-- Correction requests after publication (DESIGN.md §4): the candidacy asks to change some rubros; the
-- institute approves or rejects. captura keeps the request as the candidacy made it; validacion keeps the
-- decision. Each side learns of the other through jobs.
CREATE TABLE captura.solicitudes_correccion (
    id             bigserial PRIMARY KEY,
    candidatura_id integer NOT NULL REFERENCES registro.candidaturas (id),
    cuestionario   text NOT NULL,
    numero         integer NOT NULL,  -- the published version it asks to correct
    rubros         text[] NOT NULL,
    motivo         text NOT NULL,
    estado         text NOT NULL DEFAULT 'pendiente' CHECK (estado IN ('pendiente', 'aprobada', 'rechazada')),
    created_by     integer,
    created_at     timestamptz NOT NULL DEFAULT now(),
    resuelto_at    timestamptz
);
-- One open request at a time per questionnaire.
CREATE UNIQUE INDEX solicitudes_pendientes_idx ON captura.solicitudes_correccion (candidatura_id, cuestionario)
    WHERE estado = 'pendiente';

CREATE TABLE validacion.solicitudes_correccion (
    id             bigint PRIMARY KEY,  -- captura's id: the job that brings it is idempotent
    candidatura_id integer NOT NULL REFERENCES registro.candidaturas (id),
    cuestionario   text NOT NULL,
    numero         integer NOT NULL,
    rubros         text[] NOT NULL,
    motivo         text NOT NULL,
    estado         text NOT NULL DEFAULT 'pendiente' CHECK (estado IN ('pendiente', 'aprobada', 'rechazada')),
    resuelto_por   integer,
    resuelto_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
