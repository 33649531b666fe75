-- Reportes (issue 11): what happened besides state changes, the daily snapshot every "as of" report reads, and
-- the report files reportes.render builds. reportes writes all of it; registro is read as reference data.

-- Facts of a candidacy other services tell reportes (reportes.record_hecho), idempotent by job key: auth created
-- its account (the credentials sheet delivers it), captura received its signed consent form.
CREATE TABLE reportes.hechos (
    id             bigserial PRIMARY KEY,
    job_key        text NOT NULL UNIQUE,
    candidatura_id integer NOT NULL,
    hecho          text NOT NULL CHECK (hecho IN ('cuenta_entregada', 'consentimiento_cargado')),
    at             timestamptz NOT NULL
);
CREATE INDEX hechos_candidatura_idx ON reportes.hechos (candidatura_id, hecho, at);

-- One row per local day whose close was frozen; once written neither it nor its rows change, so a report
-- presented with that cut-off date is reproduced exactly later, whatever the registry or the history do after.
CREATE TABLE reportes.cortes (
    fecha      date PRIMARY KEY,
    zona       text NOT NULL,
    hasta      timestamptz NOT NULL,  -- the first instant of the next local day: events before it count
    tomado_at  timestamptz NOT NULL DEFAULT now(),
    filas      integer NOT NULL
);

-- Every candidacy of the active process as it stood at the close of the day, with the dimensions reports group by.
CREATE TABLE reportes.corte_candidaturas (
    fecha              date NOT NULL REFERENCES reportes.cortes (fecha),
    candidatura_id     integer NOT NULL,
    postulante_id      integer NOT NULL,
    postulante         text NOT NULL,
    cargo              text NOT NULL,
    cargo_nombre       text NOT NULL,
    cargo_orden        integer NOT NULL,
    ambito             text NOT NULL,
    sexo               text NOT NULL,
    estatus            text NOT NULL,
    cuenta             boolean NOT NULL,
    curricular_enviado boolean NOT NULL,
    identidad_enviado  boolean NOT NULL,
    consentimiento     boolean NOT NULL,
    con_observaciones  boolean NOT NULL,
    validado           boolean NOT NULL,
    publicado          boolean NOT NULL,
    PRIMARY KEY (fecha, candidatura_id)
);

-- Report files: one row per request (its parameters), the bytes kept once per SHA-256, so the same parameters
-- over the same data give the same file.
CREATE TABLE reportes.contenidos (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    contenido  bytea NOT NULL,
    bytes      integer NOT NULL
);
CREATE TABLE reportes.archivos (
    id            bigserial PRIMARY KEY,
    informe       text NOT NULL,
    formato       text NOT NULL CHECK (formato IN ('xlsx', 'csv', 'pdf')),
    parametros    jsonb NOT NULL,
    estado        text NOT NULL DEFAULT 'pendiente' CHECK (estado IN ('pendiente', 'en_proceso', 'listo', 'error')),
    progreso      integer NOT NULL DEFAULT 0 CHECK (progreso BETWEEN 0 AND 100),
    sha256        text REFERENCES reportes.contenidos (sha256),
    error         text,
    requested_by  integer,
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
CREATE INDEX archivos_parametros_idx ON reportes.archivos (informe, formato, estado);
