-- Observations as captura receives them with a returned version (captura.reopen), so the candidacy sees
-- which rubros to correct and why without reading validacion's tables.
CREATE TABLE captura.observaciones (
    candidatura_id integer NOT NULL REFERENCES registro.candidaturas (id),
    cuestionario   text NOT NULL,
    numero         integer NOT NULL,  -- the submitted version they are about
    rubro          text NOT NULL,
    fundamento     text NOT NULL,
    texto          text NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (candidatura_id, cuestionario, numero, rubro)
);
