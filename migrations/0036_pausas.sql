-- Coordinación's pause of a published candidacy (issue #9): while a row has no reanudada_at the candidacy is off
-- the public site, and neither an approval nor validacion.publish_due sends it to publico again; resuming
-- closes the row and publishes the last approved version. Rows are kept: the history of every pause.
CREATE TABLE validacion.pausas (
    id                  bigserial PRIMARY KEY,
    candidatura_id      integer NOT NULL REFERENCES registro.candidaturas (id),
    motivo              text NOT NULL CHECK (length(motivo) BETWEEN 1 AND 1000),
    pausada_por         integer,
    pausada_at          timestamptz NOT NULL DEFAULT now(),
    motivo_reanudacion  text CHECK (length(motivo_reanudacion) BETWEEN 1 AND 1000),
    reanudada_por       integer,
    reanudada_at        timestamptz,
    CHECK ((reanudada_at IS NULL) = (motivo_reanudacion IS NULL))
);
-- One open pause per candidacy: two coordinadores pausing at once, one wins.
CREATE UNIQUE INDEX pausas_vigente_idx ON validacion.pausas (candidatura_id) WHERE reanudada_at IS NULL;

-- The audit trail of a candidacy (validacion's viewer) also lists events of other entities that name it: an
-- account created for it (details.candidatura_id) and the substitution that created it (details.nueva).
CREATE INDEX eventos_candidatura_idx ON audit.eventos ((details ->> 'candidatura_id'))
    WHERE details ? 'candidatura_id';
CREATE INDEX eventos_sustituta_idx ON audit.eventos ((details ->> 'nueva'))
    WHERE action = 'sustituir_candidatura';
