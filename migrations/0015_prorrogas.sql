-- Extensions of the capture window (prórrogas), granted by the institute by acuerdo to one candidatura or to
-- every candidatura of a postulante. Written by validacion (coordinación screens), read by captura, which
-- refuses every write of a candidacy outside its window. A revocation keeps the row (and the audit trail).
CREATE TABLE registro.prorrogas (
    id             bigserial PRIMARY KEY,
    proceso_id     integer NOT NULL REFERENCES registro.procesos (id),
    candidatura_id integer REFERENCES registro.candidaturas (id),
    postulante_id  integer REFERENCES registro.postulantes (id),
    fin            timestamptz NOT NULL,
    acuerdo        text NOT NULL,
    motivo         text NOT NULL,
    otorgada_por   text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    revocada_at    timestamptz,
    revocada_por   text,
    -- Exactly one of the two: a prórroga is for one candidatura or for one postulante.
    CONSTRAINT prorrogas_destino_check CHECK ((candidatura_id IS NULL) <> (postulante_id IS NULL))
);
CREATE INDEX prorrogas_candidatura_idx ON registro.prorrogas (candidatura_id) WHERE revocada_at IS NULL;
CREATE INDEX prorrogas_postulante_idx ON registro.prorrogas (postulante_id) WHERE revocada_at IS NULL;
