-- Open-data releases (docs/datos-abiertos.md): numbered, dated, never changed once written. The files live in
-- the media folder under publico/datos/<numero>/ (served as files, so a large release is streamed, not loaded);
-- these rows say what each release holds, its checksums and what changed since the previous one.
CREATE TABLE publico.datos_publicaciones (
    numero       integer PRIMARY KEY,
    created_at   timestamptz NOT NULL DEFAULT now(),
    generacion   bigint NOT NULL,          -- publico.publicacion.generacion the release was built from
    total        integer NOT NULL,
    -- {"agregadas": [ids], "retiradas": [ids], "corregidas": [ids]} against the previous release
    cambios      jsonb NOT NULL,
    -- {"<candidatura id>": "<sha256 of its row>"}: what the next release compares against
    huellas      jsonb NOT NULL
);

CREATE TABLE publico.datos_archivos (
    numero       integer NOT NULL REFERENCES publico.datos_publicaciones (numero),
    nombre       text NOT NULL,            -- candidaturas.csv, candidaturas.xlsx, candidaturas.json, diccionario.csv
    tipo         text NOT NULL,            -- Content-Type
    bytes        bigint NOT NULL,
    sha256       text NOT NULL,
    PRIMARY KEY (numero, nombre)
);

-- The last generation the release job looked at: a generation that changed nothing public builds no release.
CREATE TABLE publico.datos_control (
    id           boolean PRIMARY KEY DEFAULT true CHECK (id),
    generacion   bigint NOT NULL DEFAULT -1
);
INSERT INTO publico.datos_control DEFAULT VALUES;
