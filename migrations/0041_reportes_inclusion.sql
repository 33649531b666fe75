-- Report 4 (estadísticas de inclusión): what reportes knows of each candidacy's self-identification, sent by captura
-- (contracts.RecordIdentidad). Only the derived groups (never the answers nor a sub-identity) and whether
-- consent 3 (use in statistics) is in force. ``envio`` orders the approved identity versions and ``seq`` (the id of
-- the last consent change) orders the consent states, so a late message never undoes a newer one.
CREATE TABLE reportes.identidades (
    candidatura_id integer PRIMARY KEY REFERENCES registro.candidaturas (id),
    grupos         text[],
    envio          integer NOT NULL DEFAULT 0,
    estadistica    boolean NOT NULL DEFAULT false,
    seq            bigint NOT NULL DEFAULT 0,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
