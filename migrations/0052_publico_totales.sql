-- The total of the public list without counting its rows (docs/sitio-publico-lista.md, «Rendimiento»).
--
-- A filter set made only of cargo, postulante, municipio, distrito and sexo is a sum over publico.totales: how many
-- published rows (curricular IS NOT NULL) each combination of those five columns has. With 100,000 published rows
-- there are some thousands of combinations, so «sexo = mujer» adds a few thousand narrow rows instead of counting
-- 50,000 wide ones. Edad is left out: with it almost every row is a combination of its own.
--
-- PostgreSQL keeps the totals itself (every writer of publico.candidaturas, COPY included, without knowing), in
-- the writer's own transaction, so a total is exact at any snapshot: the row triggers below append each
-- change to publico.totales_cambios (inserts only: no row is shared between two writers, so no
-- writer waits for another and none deadlocks), and a bump of the generation (publico.publicacion, whose row lock
-- already serialises the bumping transactions) folds every committed change into publico.totales. A total is
-- the sum over both tables (services/publico/query.py), so a change not folded yet still counts.
CREATE TABLE publico.totales (
    cargo      text NOT NULL,
    postulante text NOT NULL,
    municipio  integer,
    distrito   integer,
    sexo       text NOT NULL,
    n          bigint NOT NULL,
    UNIQUE NULLS NOT DISTINCT (cargo, postulante, municipio, distrito, sexo)
);
CREATE INDEX totales_municipio_idx ON publico.totales (municipio);
CREATE INDEX totales_distrito_idx ON publico.totales (distrito);
CREATE INDEX totales_postulante_idx ON publico.totales (postulante);
-- The combinations a fold left at zero, found without reading the table.
CREATE INDEX totales_cero_idx ON publico.totales (cargo) WHERE n = 0;

CREATE TABLE publico.totales_cambios (
    cargo      text NOT NULL,
    postulante text NOT NULL,
    municipio  integer,
    distrito   integer,
    sexo       text NOT NULL,
    n          bigint NOT NULL
);

INSERT INTO publico.totales (cargo, postulante, municipio, distrito, sexo, n)
SELECT cargo, postulante, municipio, distrito, sexo, count(*)
FROM publico.candidaturas WHERE curricular IS NOT NULL
GROUP BY cargo, postulante, municipio, distrito, sexo;

-- One change row per published row that appears, goes, or moves to another combination. Row triggers with a WHEN
-- condition: PostgreSQL checks it without calling the function, so a statement that changes no counted column (a
-- questionnaire republished, the search text or the provenance refreshed) costs nothing more.
CREATE FUNCTION publico.totales_anotar() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.curricular IS NOT NULL THEN
        INSERT INTO publico.totales_cambios (cargo, postulante, municipio, distrito, sexo, n)
        VALUES (OLD.cargo, OLD.postulante, OLD.municipio, OLD.distrito, OLD.sexo, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.curricular IS NOT NULL THEN
        INSERT INTO publico.totales_cambios (cargo, postulante, municipio, distrito, sexo, n)
        VALUES (NEW.cargo, NEW.postulante, NEW.municipio, NEW.distrito, NEW.sexo, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER totales_insert AFTER INSERT ON publico.candidaturas
    FOR EACH ROW WHEN (NEW.curricular IS NOT NULL) EXECUTE FUNCTION publico.totales_anotar();
CREATE TRIGGER totales_update AFTER UPDATE ON publico.candidaturas
    FOR EACH ROW WHEN ((OLD.cargo, OLD.postulante, OLD.municipio, OLD.distrito, OLD.sexo, OLD.curricular IS NULL)
                       IS DISTINCT FROM
                       (NEW.cargo, NEW.postulante, NEW.municipio, NEW.distrito, NEW.sexo, NEW.curricular IS NULL))
    EXECUTE FUNCTION publico.totales_anotar();
CREATE TRIGGER totales_delete AFTER DELETE ON publico.candidaturas
    FOR EACH ROW WHEN (OLD.curricular IS NOT NULL) EXECUTE FUNCTION publico.totales_anotar();

CREATE FUNCTION publico.totales_vaciar() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE publico.totales, publico.totales_cambios;
    RETURN NULL;
END
$$;
CREATE TRIGGER totales_truncate AFTER TRUNCATE ON publico.candidaturas
    FOR EACH STATEMENT EXECUTE FUNCTION publico.totales_vaciar();

-- Under the generation's row lock: the folds run one at a time, and each moves what was committed before it
-- (and its own transaction's changes) from the changes into the totals.
CREATE FUNCTION publico.totales_sumar() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH movidos AS (DELETE FROM publico.totales_cambios RETURNING cargo, postulante, municipio, distrito, sexo, n)
    INSERT INTO publico.totales AS t (cargo, postulante, municipio, distrito, sexo, n)
    SELECT cargo, postulante, municipio, distrito, sexo, sum(n) FROM movidos
    GROUP BY cargo, postulante, municipio, distrito, sexo
    ON CONFLICT (cargo, postulante, municipio, distrito, sexo) DO UPDATE SET n = t.n + EXCLUDED.n;
    DELETE FROM publico.totales WHERE n = 0;
    RETURN NULL;
END
$$;
CREATE TRIGGER totales_sumar AFTER UPDATE OF generacion ON publico.publicacion
    FOR EACH ROW EXECUTE FUNCTION publico.totales_sumar();

-- The name search's GIN index without a pending list. With fastupdate (the default) new entries wait in an unsorted
-- list that every search reads whole until a VACUUM, or autovacuum's ANALYZE, merges it (a manual ANALYZE does
-- not): after a bulk publication, or bench/masivo.py's COPY, each «Nombre o sobrenombre» page and count read
-- megabytes of it, fast or slow depending on whether autovacuum had come by. Written straight into the index, a
-- publish costs a few more page writes and a search reads only the posting lists of its trigrams.
ALTER INDEX publico.candidaturas_trigramas_idx SET (fastupdate = off);
ALTER INDEX publico.candidaturas_grupos_idx SET (fastupdate = off);
SELECT gin_clean_pending_list('publico.candidaturas_trigramas_idx'::regclass);
SELECT gin_clean_pending_list('publico.candidaturas_grupos_idx'::regclass);

-- The search columns stored plain. With toast_tuple_target = 256 (0051) the toaster, once a row's questionnaire
-- sends it past the threshold, also compresses every other column it can until the row fits: the trigrams and the
-- search text of most rows ended compressed, and a search decompressed both for every row it looked at (a
-- sequential count of a two-letter «q» spent ~20 µs a row doing so). Both are short (a name and a nickname, a few
-- dozen trigrams); kept as they are, a row check reads them in place. Rows already stored are rewritten once
-- (the generated trigrams follow the search text).
ALTER TABLE publico.candidaturas ALTER COLUMN nombre_busqueda SET STORAGE PLAIN;
ALTER TABLE publico.candidaturas ALTER COLUMN trigramas SET STORAGE PLAIN;
UPDATE publico.candidaturas SET nombre_busqueda = nombre_busqueda || '';

-- A party's candidacies for one cargo in the neutral order (the bench's «postulante + cargo + sexo + edad», and any
-- visitor narrowing a party to a cargo): led by both, the page is read in order from its first entry instead of
-- walking the party's whole order index to reach a cargo that sorts late (10 → 5 ms a page at 100,000 rows).
CREATE INDEX candidaturas_postulante_cargo_idx ON publico.candidaturas
    (postulante, cargo, cargo_orden, coalesce(distrito, 0), coalesce(municipio, 0), numero, primer_apellido, id)
    WHERE curricular IS NOT NULL;
