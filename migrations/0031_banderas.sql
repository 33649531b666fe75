-- The automatic checks of a submitted version (issue #9), stored per review: one review per envío, so per
-- submitted version. `validacion.open_review` writes the review and its flags in one transaction, so a worker
-- killed in the middle leaves neither and the retry writes both once.
CREATE TABLE validacion.banderas (
    id             bigserial PRIMARY KEY,
    revision_id    bigint NOT NULL REFERENCES validacion.revisiones (id),
    candidatura_id integer NOT NULL REFERENCES registro.candidaturas (id),
    -- dato_sensible: CURP, RFC, phone… in a free text; propuesta_copiada: a proposal like another candidacy's;
    -- revision_fallida: a check crashed on this text, so a person looks at it instead.
    tipo           text NOT NULL CHECK (tipo IN ('dato_sensible', 'propuesta_copiada', 'revision_fallida')),
    clase          text NOT NULL,  -- curp, rfc, clave_elector, telefono, correo, domicilio, salud, religion, …, copia, plataforma_comun
    rubro          text NOT NULL,  -- rubro or identity dimension
    campo          text NOT NULL,  -- the field inside it
    inicio         integer NOT NULL DEFAULT 0 CHECK (inicio >= 0),  -- the span, in characters of the field's text
    fin            integer NOT NULL DEFAULT 0 CHECK (fin >= inicio),
    fragmento      text NOT NULL DEFAULT '',
    otra_candidatura_id integer REFERENCES registro.candidaturas (id),
    similitud      real,
    -- informativa: shown, never blocks (the same postulante's slate sharing a platform).
    estado         text NOT NULL DEFAULT 'abierta'
                   CHECK (estado IN ('abierta', 'descartada', 'confirmada', 'informativa')),
    motivo         text,
    resuelto_por   integer,
    resuelto_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (revision_id, tipo, clase, rubro, campo, inicio)
);
CREATE INDEX banderas_abiertas_idx ON validacion.banderas (created_at, id) WHERE estado = 'abierta';
CREATE INDEX banderas_candidatura_idx ON validacion.banderas (candidatura_id);

-- When the checks of a review ran (NULL: reviews opened before the checks existed).
ALTER TABLE validacion.revisiones ADD COLUMN revisada_automaticamente_at timestamptz;
-- A reviewer's claim on a pending review, so two reviewers do not review one submission; it expires.
ALTER TABLE validacion.revisiones ADD COLUMN reclamada_por integer;
ALTER TABLE validacion.revisiones ADD COLUMN reclamada_hasta timestamptz;
