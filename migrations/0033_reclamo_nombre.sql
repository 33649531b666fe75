-- Who holds a review's claim, by name: validacion shows "En revisión por <usuario>" without reading auth's schema,
-- so the claim keeps the username the gateway signed alongside the id (0031 added reclamada_por/_hasta).
ALTER TABLE validacion.revisiones ADD COLUMN reclamada_por_nombre text;
