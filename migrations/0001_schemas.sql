-- One schema per owner (DESIGN.md §3). `audit` and `outbox` are appended to by every service.
CREATE SCHEMA IF NOT EXISTS registro;
CREATE SCHEMA IF NOT EXISTS auth;
CREATE SCHEMA IF NOT EXISTS captura;
CREATE SCHEMA IF NOT EXISTS validacion;
CREATE SCHEMA IF NOT EXISTS publico;
CREATE SCHEMA IF NOT EXISTS reportes;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS outbox;

-- Who did what to which record, when, from where. Append-only: updates and deletes are refused.
CREATE TABLE audit.eventos (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    service        text NOT NULL,
    action         text NOT NULL,
    entity         text NOT NULL,
    entity_id      text,
    actor_id       integer,
    actor_username text,
    client_addr    text,
    request_id     text,
    details        jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX eventos_entity_idx ON audit.eventos (entity, entity_id, at);

CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.eventos es de solo inserción';
END $$;
CREATE TRIGGER eventos_append_only BEFORE UPDATE OR DELETE ON audit.eventos
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();

-- Transactional outbox: a job is written in the same transaction as the change that causes it; the
-- relay moves it into arq and the worker marks it done. A row stays until done, so losing Redis or a
-- worker never loses a job (the relay enqueues it again under the same arq job id).
CREATE TABLE outbox.jobs (
    id          bigserial PRIMARY KEY,
    queue       text NOT NULL,
    function    text NOT NULL,
    args        jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    enqueued_at timestamptz,
    attempts    integer NOT NULL DEFAULT 0,
    done_at     timestamptz,
    last_error  text
);
CREATE INDEX jobs_pending_idx ON outbox.jobs (id) WHERE done_at IS NULL;
