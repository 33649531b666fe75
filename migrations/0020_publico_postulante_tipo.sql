-- Whether the postulante is a party, coalición, candidatura común or independiente, copied at publish time like
-- its name: the public list and profile say «Candidatura independiente» instead of the generated siglas.
ALTER TABLE publico.candidaturas ADD COLUMN postulante_tipo text;
UPDATE publico.candidaturas p SET postulante_tipo = s.tipo
FROM registro.candidaturas c JOIN registro.postulantes s ON s.id = c.postulante_id
WHERE c.id = p.id;
