-- Reference data owned by validacion (coordinación screens); every service may read it.
CREATE TABLE registro.procesos (
    id                  serial PRIMARY KEY,
    clave               text NOT NULL UNIQUE,
    nombre              text NOT NULL,
    entidad             text NOT NULL,
    captura_inicio      timestamptz,
    captura_fin         timestamptz,
    publicacion_inicio  timestamptz,
    jornada_electoral   date,
    -- Configurable limits and switches (text limits, correction rounds, party-validation step, ages).
    configuracion       jsonb NOT NULL DEFAULT '{}'::jsonb,
    activo              boolean NOT NULL DEFAULT true
);

CREATE TABLE registro.cargos (
    clave        text PRIMARY KEY,
    nombre       text NOT NULL,
    ambito       text NOT NULL CHECK (ambito IN ('distrito', 'municipio', 'estado')),
    orden        integer NOT NULL,
    edad_minima  integer NOT NULL
);

CREATE TABLE registro.municipios (
    clave        integer PRIMARY KEY,  -- INEGI key, e.g. 16053
    nombre       text NOT NULL,
    cabecera     text NOT NULL,
    poblacion    integer,
    -- Cherán (16024) elects its authorities by usos y costumbres: no party ballot for its ayuntamiento.
    elige_ayuntamiento boolean NOT NULL DEFAULT true
);

CREATE TABLE registro.distritos (
    numero              integer PRIMARY KEY,
    cabecera            text NOT NULL,
    municipio_cabecera  integer REFERENCES registro.municipios (clave)
);

-- Partido, coalición, candidatura común or independiente: whoever registers candidacies.
CREATE TABLE registro.postulantes (
    id       serial PRIMARY KEY,
    siglas   text NOT NULL UNIQUE,
    nombre   text NOT NULL,
    tipo     text NOT NULL CHECK (tipo IN ('partido', 'coalicion', 'candidatura_comun', 'independiente')),
    ambito   text,          -- 'nacional' or 'local' for parties
    nota     text
);
CREATE TABLE registro.postulante_partidos (
    postulante_id integer NOT NULL REFERENCES registro.postulantes (id),
    partido_id    integer NOT NULL REFERENCES registro.postulantes (id),
    PRIMARY KEY (postulante_id, partido_id)
);

CREATE TABLE registro.candidaturas (
    id                   serial PRIMARY KEY,
    proceso_id           integer NOT NULL REFERENCES registro.procesos (id),
    cargo                text NOT NULL REFERENCES registro.cargos (clave),
    distrito             integer REFERENCES registro.distritos (numero),
    municipio            integer REFERENCES registro.municipios (clave),
    circunscripcion      integer,
    postulante_id        integer NOT NULL REFERENCES registro.postulantes (id),
    numero               integer NOT NULL,  -- fórmula, lista or position in the planilla
    tipo                 text NOT NULL CHECK (tipo IN ('propietaria', 'suplente')),
    pareja_id            integer REFERENCES registro.candidaturas (id),
    nombre               text NOT NULL,
    primer_apellido      text NOT NULL,
    segundo_apellido     text NOT NULL DEFAULT '',
    sobrenombre          text,
    sexo                 text NOT NULL CHECK (sexo IN ('mujer', 'hombre', 'no_binario')),
    fecha_nacimiento     date NOT NULL,
    curp                 text NOT NULL,
    clave_elector        text,
    rfc                  text,
    correo               text,
    telefono             text,
    accion_afirmativa    text,
    eleccion_consecutiva boolean NOT NULL DEFAULT false,
    estatus              text NOT NULL DEFAULT 'registrada' CHECK (estatus IN ('registrada', 'sustituida', 'cancelada')),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
-- A person holds one live registration per process; substituted or cancelled rows keep their history.
CREATE UNIQUE INDEX candidaturas_curp_vigente_idx ON registro.candidaturas (proceso_id, curp) WHERE estatus = 'registrada';
CREATE INDEX candidaturas_postulante_idx ON registro.candidaturas (postulante_id);
