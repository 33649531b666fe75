-- The acuerdo of the Consejo General that set the publication: the home page cites it once the coordinación
-- records it in the process settings (empty until then, and the page says nothing).
ALTER TABLE registro.procesos ADD COLUMN acuerdo_publicacion_numero text;
ALTER TABLE registro.procesos ADD COLUMN acuerdo_publicacion_fecha date;

-- The avisos de privacidad shown at /privacidad, versioned: a new text is a new row, the newest of each kind
-- is the one in force and the older ones stay as the record of what citizens were told. Editing them is the
-- transparencia screen's job (issue #9); until then the seeded default is shown, marked as such.
-- {instituto} in the text is replaced at display time by the configured institute's name, so the default
-- names whoever runs this deployment without hard-coding it here.
CREATE TABLE publico.avisos_privacidad (
    id              serial PRIMARY KEY,
    tipo            text NOT NULL CHECK (tipo IN ('integral', 'simplificado')),
    version         integer NOT NULL CHECK (version > 0),
    texto           text NOT NULL CHECK (length(texto) BETWEEN 1 AND 50000),
    predeterminado  boolean NOT NULL DEFAULT false,
    vigente_desde   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tipo, version)
);

INSERT INTO publico.avisos_privacidad (tipo, version, predeterminado, texto) VALUES
('simplificado', 1, true,
'{instituto} es responsable del tratamiento de los datos personales de las candidaturas que se publican en este sitio.

Los datos que ves aquí (nombre, cargo, postulante, fotografía, formación, trayectoria, propuestas y contacto público) se publican para que la ciudadanía conozca a quienes buscan su voto. Los datos de identidad solo se publican cuando la persona dio su consentimiento para hacerlo.

Este sitio no pide datos personales a quien lo consulta, no usa cookies de seguimiento y no requiere registro.

Puedes consultar el aviso de privacidad integral en esta misma página.'),
('integral', 1, true,
'Responsable. {instituto} es responsable del tratamiento de los datos personales recabados para el sistema «Candidatas y Candidatos, Conóceles».

Datos que se tratan. De las candidaturas: nombre, cargo, postulante, sexo, edad, fotografía, formación académica, trayectoria profesional y política, propuestas y medios de contacto público que la propia candidatura declaró. Datos como la CURP, la clave de elector, el RFC, la fecha de nacimiento, el correo y el teléfono privados se usan solo para verificar la identidad y nunca se publican.

Datos sensibles. Las respuestas sobre pertenencia a grupos en situación de discriminación se publican solo cuando la persona dio su consentimiento expreso para ello; sin ese consentimiento se usan únicamente en estadísticas agregadas en las que no se puede identificar a nadie.

Finalidad. Dar a conocer a la ciudadanía la información curricular y las propuestas de las candidaturas, en cumplimiento de la normativa aplicable y de los lineamientos del Instituto.

Transferencias. No se transfieren datos personales, salvo las requeridas por una autoridad competente en términos de ley.

Derechos ARCO. Puedes ejercer tus derechos de acceso, rectificación, cancelación y oposición ante la unidad de transparencia de {instituto}.

Cambios. Cualquier cambio a este aviso se publicará en esta misma página, con su número de versión y su fecha.');
