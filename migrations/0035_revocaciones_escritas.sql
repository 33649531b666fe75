-- A revocation the Unidad de Transparencia records because the person asked for it in writing (issue #9,
-- Transparencia). The revocation itself is an ordinary captura.consentimientos row (otorgado false, `por` the
-- staff account), so every reader of the consents sees it; this row says where it came from: the date of the
-- written request and its folio, which the history and the audit trail show next to the change.
CREATE TABLE captura.revocaciones_escritas (
    consentimiento_id  bigint PRIMARY KEY REFERENCES captura.consentimientos (id),
    fecha_solicitud    date NOT NULL,
    folio              text NOT NULL CHECK (length(folio) BETWEEN 1 AND 80),
    nota               text NOT NULL DEFAULT '' CHECK (length(nota) <= 1000),
    registrada_por     integer NOT NULL,
    registrada_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER revocaciones_escritas_append_only BEFORE UPDATE OR DELETE ON captura.revocaciones_escritas
    FOR EACH ROW EXECUTE FUNCTION captura.refuse_change();
