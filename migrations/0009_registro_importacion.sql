-- Registry import (issue #4): every uploaded file is parsed and validated into a preview row first; only a
-- preview without errors may be applied, in one transaction. The rows are kept normalized so the commit does
-- not parse the file again, and the errors stay visible for as long as staff need them.
CREATE TABLE registro.importaciones (
    id            bigserial PRIMARY KEY,
    tipo          text NOT NULL CHECK (tipo IN ('candidaturas', 'secciones', 'composicion')),
    proceso_id    integer REFERENCES registro.procesos (id),
    archivo       text NOT NULL,
    estado        text NOT NULL CHECK (estado IN ('con_errores', 'lista', 'aplicada')),
    filas         integer NOT NULL DEFAULT 0,
    datos         jsonb NOT NULL DEFAULT '[]'::jsonb,
    errores       jsonb NOT NULL DEFAULT '[]'::jsonb,
    resumen       jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- The provisioning lote (auth.lotes_cuentas) started by the commit; no FK: auth owns that schema.
    lote_id       bigint,
    created_by    integer,
    created_at    timestamptz NOT NULL DEFAULT now(),
    committed_at  timestamptz
);
CREATE INDEX importaciones_created_idx ON registro.importaciones (tipo, created_at DESC);

-- The sección → municipio/distrito catalog and the municipio → distrito composition, used by the public
-- "¿Quién compite donde vivo?". Each upload replaces the whole catalog (the file is the catalog).
CREATE TABLE registro.secciones (
    seccion    integer PRIMARY KEY,
    municipio  integer NOT NULL REFERENCES registro.municipios (clave),
    distrito   integer NOT NULL REFERENCES registro.distritos (numero)
);
CREATE INDEX secciones_municipio_idx ON registro.secciones (municipio);

-- A municipio may be split among several distritos, and a distrito spans several municipios.
CREATE TABLE registro.municipio_distritos (
    municipio  integer NOT NULL REFERENCES registro.municipios (clave),
    distrito   integer NOT NULL REFERENCES registro.distritos (numero),
    PRIMARY KEY (municipio, distrito)
);
CREATE INDEX municipio_distritos_distrito_idx ON registro.municipio_distritos (distrito);

-- Substitutions: the new record points to the one it replaced; the list screen searches without accents.
ALTER TABLE registro.candidaturas ADD COLUMN sustituye_a integer REFERENCES registro.candidaturas (id);
ALTER TABLE registro.candidaturas ADD COLUMN motivo_baja text;
CREATE INDEX candidaturas_busqueda_idx ON registro.candidaturas (proceso_id, estatus);
