-- The reminders the coordinación sent from the deadlines dashboard (services/captura/plazos): one per candidacy,
-- group (whom the item waits on) and day in the process's time zone, so a double click or a retried POST mails
-- once. `lote` names one press of the button: the page after it counts what that press sent.
CREATE SEQUENCE captura.recordatorios_atraso_lote_seq;
CREATE TABLE captura.recordatorios_atraso (
    candidatura_id integer NOT NULL REFERENCES registro.candidaturas (id),
    grupo          text NOT NULL CHECK (grupo IN ('candidatura', 'partido')),
    dia            date NOT NULL,
    lote           bigint NOT NULL,
    enviado_por    integer,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (candidatura_id, grupo, dia)
);
CREATE INDEX recordatorios_atraso_lote_idx ON captura.recordatorios_atraso (lote);
