-- The fingerprint of every submitted proposal, so the copied-proposal check of a new submission compares it with
-- a few candidates instead of every proposal (services/validacion/revision_automatica/copias.py): `huella` is a
-- bottom-k sketch (the smallest shingle hashes) with a GIN index for `&&`, `tejas` all the shingle hashes for the
-- exact similarity. Written by validacion.open_review in the transaction that opens the review.
CREATE TABLE validacion.huellas_propuestas (
    revision_id    bigint NOT NULL REFERENCES validacion.revisiones (id),
    candidatura_id integer NOT NULL REFERENCES registro.candidaturas (id),
    campo          text NOT NULL,
    huella         integer[] NOT NULL,
    tejas          integer[] NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (revision_id, campo)
);
CREATE INDEX huellas_propuestas_huella_idx ON validacion.huellas_propuestas USING gin (huella);
