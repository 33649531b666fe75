-- Cuestionario de identidad as data (DESIGN.md §4): a versioned question set per process, owned by registro.
-- Wording and branching change by institute and by year, so questions, options, sub-options and skip rules are
-- rows, never columns. A version is never edited once candidacies answer it: a change is a new version.
CREATE TABLE registro.identidad_conjuntos (
    id          serial PRIMARY KEY,
    proceso_id  integer NOT NULL REFERENCES registro.procesos (id),
    version     integer NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (proceso_id, version)
);

-- One dimension is one screen and one saved rubro (captura.respuestas.rubro = clave). `grupo` is the public
-- name of the group (NULL for ingreso), reached when `pregunta_grupo` is answered with `opcion_grupo`.
CREATE TABLE registro.identidad_dimensiones (
    conjunto_id     integer NOT NULL REFERENCES registro.identidad_conjuntos (id),
    clave           text NOT NULL,
    titulo          text NOT NULL,
    grupo           text,
    pregunta_grupo  text,
    opcion_grupo    text,
    orden           integer NOT NULL,
    PRIMARY KEY (conjunto_id, clave)
);

CREATE TABLE registro.identidad_preguntas (
    id           serial PRIMARY KEY,
    conjunto_id  integer NOT NULL REFERENCES registro.identidad_conjuntos (id),
    dimension    text NOT NULL,
    clave        text NOT NULL,
    texto        text NOT NULL,
    ayuda        text NOT NULL DEFAULT '',
    tipo         text NOT NULL CHECK (tipo IN ('una', 'varias', 'texto')),
    orden        integer NOT NULL,
    UNIQUE (conjunto_id, clave),
    FOREIGN KEY (conjunto_id, dimension) REFERENCES registro.identidad_dimensiones (conjunto_id, clave)
);

-- `padre` names another option of the same question: a sub-option (e.g. Sensorial → Visual).
-- `especificar`: choosing it asks for a short free text ("Otra, ¿cuál?").
CREATE TABLE registro.identidad_opciones (
    pregunta_id  integer NOT NULL REFERENCES registro.identidad_preguntas (id),
    clave        text NOT NULL,
    texto        text NOT NULL,
    orden        integer NOT NULL,
    padre        text,
    especificar  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (pregunta_id, clave)
);

-- Skip rule: the question applies only if `depende_de` was answered with one of `opciones`; otherwise its
-- answer is "No aplica". Several rows for one question must all hold.
CREATE TABLE registro.identidad_saltos (
    pregunta_id  integer NOT NULL REFERENCES registro.identidad_preguntas (id),
    depende_de   integer NOT NULL REFERENCES registro.identidad_preguntas (id),
    opciones     text[] NOT NULL,
    PRIMARY KEY (pregunta_id, depende_de)
);

-- The three consents (domain.md §4.4): 1 processing under the aviso de privacidad, 2 publication of the identity
-- answers, 3 use in statistics. Append-only: every grant and revocation is a new row, the latest per type is
-- the current state, and the id orders changes for the jobs that carry them to publico.
CREATE TABLE captura.consentimientos (
    id              bigserial PRIMARY KEY,
    candidatura_id  integer NOT NULL REFERENCES registro.candidaturas (id),
    tipo            smallint NOT NULL CHECK (tipo BETWEEN 1 AND 3),
    otorgado        boolean NOT NULL,
    at              timestamptz NOT NULL DEFAULT now(),
    por             integer
);
CREATE INDEX consentimientos_actual_idx ON captura.consentimientos (candidatura_id, tipo, id DESC);
CREATE TRIGGER consentimientos_append_only BEFORE UPDATE OR DELETE ON captura.consentimientos
    FOR EACH ROW EXECUTE FUNCTION captura.refuse_change();

-- The published identity. `identidad` holds the approved answers and the groups derived from them; readers
-- must show the groups only when `identidad_publica` (consent 2) is true, and otherwise at most the group of
-- `accion_afirmativa` (from the registration). `consentimientos_seq` is the id of the consent change the flags
-- reflect, so an older message never overrides a newer one.
-- If identidad is approved before curricular, the row exists with curricular NULL: it is not published yet,
-- and every public reader filters `curricular IS NOT NULL`.
ALTER TABLE publico.candidaturas
    ALTER COLUMN curricular DROP NOT NULL,
    ADD COLUMN identidad jsonb,
    ADD COLUMN identidad_envio integer NOT NULL DEFAULT 0,
    ADD COLUMN identidad_publica boolean NOT NULL DEFAULT false,
    ADD COLUMN identidad_estadistica boolean NOT NULL DEFAULT false,
    ADD COLUMN consentimientos_seq bigint NOT NULL DEFAULT 0,
    ADD COLUMN accion_afirmativa text;
