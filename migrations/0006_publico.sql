-- The published read model: one denormalized row per published candidacy (fed by publico.publish).
CREATE TABLE publico.candidaturas (
    id               integer PRIMARY KEY,      -- registro.candidaturas.id
    cargo            text NOT NULL,
    cargo_nombre     text NOT NULL,
    cargo_orden      integer NOT NULL,
    postulante       text NOT NULL,            -- siglas
    postulante_nombre text NOT NULL,
    distrito         integer,
    municipio        integer,
    municipio_nombre text,
    numero           integer NOT NULL,
    tipo             text NOT NULL,
    sexo             text NOT NULL,
    edad             integer,
    nombre_completo  text NOT NULL,
    primer_apellido  text NOT NULL,
    -- lower case, without accents: search without unaccent (pgserver ships no contrib extensions).
    nombre_busqueda  text NOT NULL,
    curricular       jsonb NOT NULL,
    envio_numero     integer NOT NULL,
    declarado_at     timestamptz NOT NULL,
    revisado_at      timestamptz NOT NULL,
    published_at     timestamptz NOT NULL DEFAULT now()
);
-- Neutral order (DESIGN.md §6): cargo and ámbito, then position, then surname; never by party.
CREATE INDEX candidaturas_orden_idx ON publico.candidaturas
    (cargo_orden, distrito, municipio, numero, primer_apellido, id);
CREATE INDEX candidaturas_busqueda_idx ON publico.candidaturas (nombre_busqueda text_pattern_ops);

-- Bumped by every publish or withdraw; caches are keyed by it.
CREATE TABLE publico.publicacion (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    generacion  bigint NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO publico.publicacion DEFAULT VALUES;
