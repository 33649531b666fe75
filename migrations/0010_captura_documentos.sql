-- Photos and signed consent forms (issue 4, Captura items 3 and 5). The files live under CONOCELES_MEDIA_DIR,
-- named by the SHA-256 of their stored bytes; these rows say whose they are and when they arrived.

-- Every photo a candidacy uploaded; the current one is the latest. The file is privado/<sha256>.jpg (800×1000)
-- with privado/<sha256>-mini.jpg (160×200), both re-encoded on the server.
CREATE TABLE captura.fotos (
    id             bigserial PRIMARY KEY,
    candidatura_id integer NOT NULL REFERENCES registro.candidaturas (id),
    sha256         text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     integer
);
CREATE INDEX fotos_candidatura_idx ON captura.fotos (candidatura_id, created_at DESC, id DESC);

-- Every signed consent form uploaded (DESIGN.md §4 Consentimiento); the current one is the latest.
-- The file is privado/<sha256>.<extension>.
CREATE TABLE captura.documentos_consentimiento (
    id              bigserial PRIMARY KEY,
    candidatura_id  integer NOT NULL REFERENCES registro.candidaturas (id),
    sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    extension       text NOT NULL CHECK (extension IN ('pdf', 'jpg', 'png')),
    bytes           integer NOT NULL CHECK (bytes > 0),
    nombre_original text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      integer
);
CREATE INDEX documentos_consentimiento_candidatura_idx
    ON captura.documentos_consentimiento (candidatura_id, created_at DESC, id DESC);

-- The published photo: publico/<foto>.jpg and publico/<foto>-mini.jpg, served at /media/.
ALTER TABLE publico.candidaturas ADD COLUMN foto text CHECK (foto ~ '^[0-9a-f]{64}$');
CREATE INDEX candidaturas_foto_idx ON publico.candidaturas (foto) WHERE foto IS NOT NULL;
