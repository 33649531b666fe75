-- Per-rubro provenance (issue #10, page 3): when each rubro was declared by the candidacy and reviewed by the
-- institute, copied at publish time from the Publish job: {"<rubro>": {"declarado_at": …, "revisado_at": …}}.
-- Empty for rows published before: the profile then shows the questionnaire's dates under every rubro.
ALTER TABLE publico.candidaturas ADD COLUMN procedencia jsonb NOT NULL DEFAULT '{}'::jsonb;
