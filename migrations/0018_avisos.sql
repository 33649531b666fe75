-- Mail notices about questionnaires (services/common/avisos.py). auth keeps which event it mailed to which
-- account, so a retried notice sends nothing twice.
CREATE TABLE auth.avisos (
    clave          text NOT NULL,  -- names the event, e.g. observaciones:<candidatura>:<cuestionario>:<envío>
    user_id        integer NOT NULL REFERENCES auth.users (id),
    tipo           text NOT NULL,
    candidatura_id integer NOT NULL REFERENCES registro.candidaturas (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clave, user_id)
);

-- The reminders of the approaching close that captura already asked auth to send: one per candidacy, per
-- close date (a new date set by the coordinación gets its own reminders) and per lead time.
CREATE TABLE captura.avisos_plazo (
    candidatura_id integer NOT NULL REFERENCES registro.candidaturas (id),
    captura_fin    timestamptz NOT NULL,
    horas          integer NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (candidatura_id, captura_fin, horas)
);
