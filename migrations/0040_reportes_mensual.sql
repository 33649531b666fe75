-- Reportes, report 3 (informe mensual, issue 11): the daily counts of public-site use, the incidents staff write
-- into each month's report, and one more fact (a saved answer) for the month's activity.

-- How many public pages and open-data files were served per local day of the process. Only counts: no address,
-- no browser, no page, nothing about who asked. publico counts in Redis and sends the running totals
-- (reportes.record_visitas); a total is set, never added, so a redelivered or repeated message counts once.
CREATE TABLE reportes.visitas (
    fecha       date NOT NULL,
    tipo        text NOT NULL CHECK (tipo IN ('pagina', 'descarga')),
    total       bigint NOT NULL CHECK (total >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (fecha, tipo)
);

-- The "Incidencias" section of a month's report, written by coordinacion on the report's page (audited).
CREATE TABLE reportes.incidencias (
    mes         date PRIMARY KEY CHECK (extract(day FROM mes) = 1),
    texto       text NOT NULL,
    updated_by  integer,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- captura tells reportes of every saved answer (the month's "guardados").
ALTER TABLE reportes.hechos DROP CONSTRAINT hechos_hecho_check;
ALTER TABLE reportes.hechos ADD CONSTRAINT hechos_hecho_check
    CHECK (hecho IN ('cuenta_entregada', 'consentimiento_cargado', 'bandera', 'bandera_resuelta', 'marcadores',
                     'guardado'));
