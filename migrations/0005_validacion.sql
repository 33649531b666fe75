-- One review task per submitted version; envio_id makes review.open idempotent.
CREATE TABLE validacion.revisiones (
    id             bigserial PRIMARY KEY,
    envio_id       bigint NOT NULL UNIQUE,
    candidatura_id integer NOT NULL REFERENCES registro.candidaturas (id),
    cuestionario   text NOT NULL,
    numero         integer NOT NULL,
    datos          jsonb NOT NULL,
    estado         text NOT NULL DEFAULT 'pendiente' CHECK (estado IN ('pendiente', 'aprobada', 'devuelta')),
    resuelto_por   integer,
    resuelto_at    timestamptz,
    -- Set when the publish job was written to the outbox (at approval or when the publication date arrives).
    publicacion_solicitada_at timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX revisiones_pendientes_idx ON validacion.revisiones (created_at) WHERE estado = 'pendiente';

CREATE TABLE validacion.observaciones (
    id           bigserial PRIMARY KEY,
    revision_id  bigint NOT NULL REFERENCES validacion.revisiones (id),
    rubro        text NOT NULL,
    fundamento   text NOT NULL,
    texto        text NOT NULL,
    created_by   integer,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX revisiones_por_publicar_idx ON validacion.revisiones (id)
    WHERE estado = 'aprobada' AND publicacion_solicitada_at IS NULL;
