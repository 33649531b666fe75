-- One live registration per position (issue #7, item 8): two previews that claimed the same fórmula position
-- could both be applied, and a fórmula ended with two propietarias. A position is the process, the cargo, its
-- ámbito (distrito, municipio or circunscripción; the ones a cargo does not use are NULL, and NULL must equal
-- NULL here), the postulante, the number of fórmula, list or planilla position, and propietaria or suplente.
-- Substituted and cancelled rows keep their history and do not hold the position: the substitute takes it.
-- If this fails on an existing database, it names a duplicated position: cancel one of the two registrations
-- (validacion, "Cancelar la candidatura") and start again.
CREATE UNIQUE INDEX candidaturas_posicion_vigente_idx ON registro.candidaturas
    (proceso_id, cargo, distrito, municipio, circunscripcion, postulante_id, numero, tipo) NULLS NOT DISTINCT
    WHERE estatus = 'registrada';
