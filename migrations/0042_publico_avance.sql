-- The capture and publication progress /estadisticas shows (docs/sitio-publico-estadisticas.md): counts of
-- candidacies per postulante × cargo that reportes computes and sends (publico.record_avance), since publico may
-- not read captura or reportes. Aggregates only: no candidacy id, no name.
CREATE TABLE publico.avance (
    postulante_id  integer NOT NULL,
    cargo          text NOT NULL,
    registradas    integer NOT NULL CHECK (registradas >= 0),
    enviadas       integer NOT NULL CHECK (enviadas >= 0),
    validadas      integer NOT NULL CHECK (validadas >= 0),
    publicadas     integer NOT NULL CHECK (publicadas >= 0),
    PRIMARY KEY (postulante_id, cargo)
);

-- When the counts were computed, their hash (an identical batch changes nothing) and a version that keys the
-- statistics page's cache: new counts show on the next request without touching the other pages' caches.
CREATE TABLE publico.avance_corte (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    at       timestamptz,
    huella   text,
    version  bigint NOT NULL DEFAULT 0
);
INSERT INTO publico.avance_corte DEFAULT VALUES;

-- Old open-data releases keep their row, checksums and changelog, but their files are deleted once
-- PUBLICO_DATOS_CONSERVAR newer releases exist (docs/datos-abiertos.md): when that happened.
ALTER TABLE publico.datos_publicaciones ADD COLUMN archivos_borrados_at timestamptz;
