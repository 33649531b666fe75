-- The uncached public list without sequential scans (docs/sitio-publico-lista.md, «Rendimiento»).
--
-- A row is read by the list for its card, never for its questionnaires: moved out of line (TOAST) as soon as a
-- row passes 256 bytes, they leave the heap narrow, so a page of the list or a count over thousands of rows reads
-- a few heap pages instead of one per row (a compressed curricular of ~1.5 kB otherwise stays inline, four rows a
-- page). Set before the generated column below, whose table rewrite stores every existing row this way.
ALTER TABLE publico.candidaturas SET (toast_tuple_target = 256);

-- «Nombre o sobrenombre» is a substring search. pgserver ships no pg_trgm, so the trigrams are ours: the distinct
-- three-character pieces of nombre_busqueda, kept by PostgreSQL itself in a generated column (no writer has to
-- know), under a GIN index. A name contains the text searched only if its trigrams contain the text's trigrams;
-- the list then checks the substring itself (services/publico/filters.py).
CREATE FUNCTION publico.trigramas(texto text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT coalesce(array_agg(DISTINCT substr(texto, i, 3)), '{}') FROM generate_series(1, length(texto) - 2) AS i $$;

ALTER TABLE publico.candidaturas
    ADD COLUMN trigramas text[] GENERATED ALWAYS AS (publico.trigramas(nombre_busqueda)) STORED;
CREATE INDEX candidaturas_trigramas_idx ON publico.candidaturas USING gin (trigramas);

-- The neutral order sorts on coalesce(distrito, 0) and coalesce(municipio, 0) (services/publico/sql.py
-- SORT_ORDER): the index must hold those expressions, not the bare columns, for a page to be read in index order
-- and stop after limite + 1 rows. Partial on the published rows: the list's WHERE always says so.
DROP INDEX publico.candidaturas_orden_idx;
CREATE INDEX candidaturas_orden_idx ON publico.candidaturas
    (cargo_orden, coalesce(distrito, 0), coalesce(municipio, 0), numero, primer_apellido, id)
    WHERE curricular IS NOT NULL;
-- A party's candidacies in the neutral order: the page of one postulante stops early, as the whole list does.
DROP INDEX publico.candidaturas_postulante_idx;
CREATE INDEX candidaturas_postulante_idx ON publico.candidaturas
    (postulante, cargo_orden, coalesce(distrito, 0), coalesce(municipio, 0), numero, primer_apellido, id)
    WHERE curricular IS NOT NULL;
-- The same for a municipio or a distrito: with the bare column index the planner may walk the whole order index
-- looking for a municipio's first rows (its cargos sort last); led by the filter column, the page is read in
-- order from the first matching entry, and the count reads the same index.
DROP INDEX publico.candidaturas_municipio_idx;
CREATE INDEX candidaturas_municipio_idx ON publico.candidaturas
    (municipio, cargo_orden, coalesce(distrito, 0), coalesce(municipio, 0), numero, primer_apellido, id)
    WHERE curricular IS NOT NULL;
DROP INDEX publico.candidaturas_distrito_idx;
CREATE INDEX candidaturas_distrito_idx ON publico.candidaturas
    (distrito, cargo_orden, coalesce(distrito, 0), coalesce(municipio, 0), numero, primer_apellido, id)
    WHERE curricular IS NOT NULL;
