CREATE TABLE auth.users (
    id                    serial PRIMARY KEY,
    username              text NOT NULL UNIQUE,
    email                 text UNIQUE,
    password_hash         text NOT NULL,
    role                  text NOT NULL CHECK (role IN ('admin', 'coordinacion', 'validador', 'transparencia',
                                                        'igualdad', 'representante', 'candidatura')),
    -- Scope of candidate-side roles, checked in SQL by the services that act on candidacies.
    postulante_id         integer REFERENCES registro.postulantes (id),
    candidatura_id        integer REFERENCES registro.candidaturas (id),
    nombre                text NOT NULL DEFAULT '',
    active                boolean NOT NULL DEFAULT true,
    must_change_password  boolean NOT NULL DEFAULT false,
    is_demo               boolean NOT NULL DEFAULT false,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'representante' OR postulante_id IS NOT NULL),
    CHECK (role <> 'candidatura' OR candidatura_id IS NOT NULL)
);
