-- The fingerprint of every submitted proposal, so the copied-proposal check of a new submission compares it with
-- a few candidates instead of every proposal (services/validacion/revision_automatica/copias.py).
-- `tejas`: all the shingle hashes of the proposal, for the exact similarity. `huella_valores`: its bottom-k sketch
-- (the 32 smallest hashes), one row per value, so `valor = ANY(…)` finds the proposals sharing part of it through
-- a btree the planner estimates well (a GIN on an int[] gets a default estimate for `&&` and a sequential scan).
-- Written by validacion.open_review in the transaction that opens the review.
CREATE TABLE validacion.huellas_propuestas (
    revision_id    bigint NOT NULL REFERENCES validacion.revisiones (id),
    candidatura_id integer NOT NULL REFERENCES registro.candidaturas (id),
    campo          text NOT NULL,
    tejas          integer[] NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (revision_id, campo)
);
CREATE TABLE validacion.huella_valores (
    valor          integer NOT NULL,
    revision_id    bigint NOT NULL,
    campo          text NOT NULL,
    candidatura_id integer NOT NULL,
    -- Written with its huellas_propuestas row, in one statement (no foreign key: 32 rows per proposal).
    PRIMARY KEY (valor, revision_id, campo)
);
