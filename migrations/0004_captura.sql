-- State of each questionnaire of each candidacy (DESIGN.md §4).
CREATE TABLE captura.cuestionarios (
    candidatura_id integer NOT NULL REFERENCES registro.candidaturas (id),
    cuestionario   text NOT NULL CHECK (cuestionario IN ('curricular', 'identidad')),
    estado         text NOT NULL DEFAULT 'pendiente' CHECK (estado IN (
                       'pendiente', 'en_captura', 'enviado', 'con_observaciones', 'validado', 'publicado',
                       'en_correccion', 'retirado', 'pausado')),
    envios         integer NOT NULL DEFAULT 0,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (candidatura_id, cuestionario)
);

-- The draft: one row per rubro, with a version for optimistic concurrency.
CREATE TABLE captura.respuestas (
    candidatura_id integer NOT NULL REFERENCES registro.candidaturas (id),
    cuestionario   text NOT NULL,
    rubro          text NOT NULL,
    datos          jsonb NOT NULL,
    version        integer NOT NULL DEFAULT 1,
    updated_by     integer,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (candidatura_id, cuestionario, rubro)
);

-- Every submitted version, immutable.
CREATE TABLE captura.envios (
    id             bigserial PRIMARY KEY,
    candidatura_id integer NOT NULL REFERENCES registro.candidaturas (id),
    cuestionario   text NOT NULL,
    numero         integer NOT NULL,
    datos          jsonb NOT NULL,
    enviado_por    integer,
    enviado_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (candidatura_id, cuestionario, numero)
);
CREATE FUNCTION captura.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'un envío es inmutable';
END $$;
CREATE TRIGGER envios_immutable BEFORE UPDATE OR DELETE ON captura.envios
    FOR EACH ROW EXECUTE FUNCTION captura.refuse_change();
