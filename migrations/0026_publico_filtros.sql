-- What the public list filters on besides the columns it already had (docs/sitio-publico-lista.md):
-- the registered nickname (shown and searched, folded into nombre_busqueda at publish time) and the identity
-- groups a profile may show (consent 2 or the acción afirmativa registration), computed by publico from
-- services/common/identidad.grupos_publicables so the filter never reaches a group the profile would hide.
ALTER TABLE publico.candidaturas
    ADD COLUMN sobrenombre text,
    ADD COLUMN grupos_publicos text[] NOT NULL DEFAULT '{}';

UPDATE publico.candidaturas p SET sobrenombre = nullif(c.sobrenombre, '')
FROM registro.candidaturas c WHERE c.id = p.id;
-- Rows published before this migration: the self-identified groups with consent 2 now; the acción afirmativa
-- group (a Python mapping) and the accent-free nickname arrive with their next publication.
UPDATE publico.candidaturas SET grupos_publicos = ARRAY(SELECT jsonb_array_elements_text(identidad -> 'grupos'))
WHERE identidad_publica AND jsonb_typeof(identidad -> 'grupos') = 'array';
UPDATE publico.candidaturas SET nombre_busqueda = nombre_busqueda || ' ' || lower(sobrenombre)
WHERE sobrenombre IS NOT NULL;

CREATE INDEX candidaturas_postulante_idx ON publico.candidaturas (postulante);
CREATE INDEX candidaturas_municipio_idx ON publico.candidaturas (municipio);
CREATE INDEX candidaturas_distrito_idx ON publico.candidaturas (distrito);
CREATE INDEX candidaturas_edad_idx ON publico.candidaturas (edad);
CREATE INDEX candidaturas_grado_idx ON publico.candidaturas ((curricular -> 'formacion' ->> 'grado_maximo'));
CREATE INDEX candidaturas_grupos_idx ON publico.candidaturas USING gin (grupos_publicos);
