-- The process's time zone (an IANA name): every date is stored in UTC and shown and read in this zone.
-- Validated by the settings screen with zoneinfo; the default is the one of most of Mexico.
ALTER TABLE registro.procesos ADD COLUMN zona_horaria text NOT NULL DEFAULT 'America/Mexico_City';
