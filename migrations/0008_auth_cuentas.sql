-- Password recovery: single-use, expiring tokens; only their SHA-256 is stored.
CREATE TABLE auth.reset_tokens (
    token_hash  text PRIMARY KEY,
    user_id     integer NOT NULL REFERENCES auth.users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX reset_tokens_user_idx ON auth.reset_tokens (user_id);

-- Bulk provisioning of candidacy and representative accounts, with its progress and the credentials sheet
-- (generated passwords), kept until staff delete it after handing it over.
CREATE TABLE auth.lotes_cuentas (
    id            bigserial PRIMARY KEY,
    requested_by  integer REFERENCES auth.users (id),
    estado        text NOT NULL DEFAULT 'pendiente' CHECK (estado IN ('pendiente', 'en_proceso', 'terminado', 'error')),
    total         integer NOT NULL DEFAULT 0,
    procesadas    integer NOT NULL DEFAULT 0,
    creadas       integer NOT NULL DEFAULT 0,
    hoja_csv      bytea,
    hoja_pdf      bytea,
    error         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    deleted_at    timestamptz
);

ALTER TABLE auth.users ADD COLUMN password_changed_at timestamptz;
ALTER TABLE auth.users ADD COLUMN disabled_at timestamptz;
-- One account per person in a candidacy; a representative per postulante is enforced by the provisioning job.
CREATE UNIQUE INDEX users_candidatura_idx ON auth.users (candidatura_id) WHERE candidatura_id IS NOT NULL;
