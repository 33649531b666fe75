"""Public contact fields (services/common/contacto.py and the contacto rubro): checked, normalized, safe links."""

from __future__ import annotations

import pytest

from services.captura.curricular import clean_rubro
from services.common.contacto import (
    CORREO_INVALIDO,
    TELEFONO_INVALIDO,
    URL_CREDENCIALES,
    URL_ESQUEMA,
    normalize_email,
    normalize_phone,
    normalize_url,
    safe_href,
)
from services.common.curricular import RUBROS_BY_KEY

FACEBOOK = ("facebook.com",)
X = ("x.com", "twitter.com")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("contacto@campana.invalid", "contacto@campana.invalid"),
        ("  Lucia.Hernandez+campana@Correo.MX ", "Lucia.Hernandez+campana@correo.mx"),
        ("o'brien@sub.dominio.gob.mx", "o'brien@sub.dominio.gob.mx"),
        ("casa@xn--mxico-bsa.mx", "casa@xn--mxico-bsa.mx"),
    ],
)
def test_good_emails_are_kept(typed: str, stored: str) -> None:
    assert normalize_email(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "esto no es correo",
        "sin-arroba.mx",
        "@dominio.mx",
        "nombre@",
        "nombre@dominio",
        "nombre@dominio.",
        "nombre@-dominio.mx",
        "nombre@dominio..mx",
        "nom bre@dominio.mx",
        ".nombre@dominio.mx",
        "nombre..x@dominio.mx",
        "nombre@dominio.m",
        "nombre@dominio.123",
        "a\x00b@dominio.mx",
        "javascript:alert(1)@x.mx",
        "x" * 65 + "@dominio.mx",
    ],
)
def test_bad_emails_are_refused_in_spanish(typed: str) -> None:
    with pytest.raises(ValueError, match="correo electrónico válido"):
        normalize_email(typed)
    assert "correo" in CORREO_INVALIDO


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("443 312 0000", "443 312 0000"),
        ("4433120000", "443 312 0000"),
        ("(443) 312-00-00", "443 312 0000"),
        ("+52 443 312 0000", "443 312 0000"),
        ("+52 1 443 312 0000", "443 312 0000"),
        ("+52 (55) 1234-5678", "55 1234 5678"),
        ("33.1234.5678", "33 1234 5678"),
        ("443 312 0000 ext. 12", "443 312 0000 ext. 12"),
        ("443-312-0000 Extensión 1234", "443 312 0000 ext. 1234"),
    ],
)
def test_mexican_phones_are_normalized(typed: str, stored: str) -> None:
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "443 312 000",
        "443 312 00000",
        "+1 443 312 0000",
        "443 312 0000 +52",
        "llámame",
        "443-ABC-0000",
        "01 443 312 0000",
    ],
)
def test_bad_phones_are_refused_in_spanish(typed: str) -> None:
    with pytest.raises(ValueError, match="10 dígitos"):
        normalize_phone(typed)
    assert "+52" in TELEFONO_INVALIDO


@pytest.mark.parametrize(
    ("typed", "hosts", "stored"),
    [
        ("https://www.ejemplo.mx/propuestas?x=1#a", (), "https://www.ejemplo.mx/propuestas?x=1#a"),
        ("HTTP://Ejemplo.MX", (), "http://ejemplo.mx"),
        ("www.ejemplo.mx", (), "https://www.ejemplo.mx"),
        ("ejemplo.mx:8080/campana", (), "https://ejemplo.mx:8080/campana"),
        ("https://www.facebook.com/lucia.hz", FACEBOOK, "https://www.facebook.com/lucia.hz"),
        ("facebook.com/lucia", FACEBOOK, "https://facebook.com/lucia"),
        ("https://m.facebook.com/lucia", FACEBOOK, "https://m.facebook.com/lucia"),
        ("https://twitter.com/lucia", X, "https://twitter.com/lucia"),
        ("https://x.com/lucia", X, "https://x.com/lucia"),
    ],
)
def test_good_urls_are_kept(typed: str, hosts: tuple[str, ...], stored: str) -> None:
    assert normalize_url(typed, hosts) == stored


@pytest.mark.parametrize(
    ("typed", "hosts", "message"),
    [
        ("javascript:alert(1)", (), URL_ESQUEMA),
        ("JaVaScRiPt:alert(1)", (), URL_ESQUEMA),
        ("data:text/html,<script>alert(1)</script>", (), URL_ESQUEMA),
        ("ftp://ejemplo.mx/archivo", (), URL_ESQUEMA),
        ("//ejemplo.mx", (), URL_ESQUEMA),
        ("https://usuario:clave@ejemplo.mx", (), URL_CREDENCIALES),
        ("https://", (), "dirección web completa"),
        ("https://localhost/", (), "dirección web completa"),
        ("https://127.0.0.1/", (), "dirección web completa"),
        ("https://ejemplo.mx/a b", (), "dirección web completa"),
        ("https://ejemplo.mx/\x00", (), "dirección web completa"),
        ("https://ejemplo.mx:99999/", (), "dirección web completa"),
        ("https://www.ejemplo.mx/lucia", FACEBOOK, "facebook.com"),
        ("https://facebook.com.evil.example/lucia", FACEBOOK, "facebook.com"),
        ("https://evilfacebook.com/lucia", FACEBOOK, "facebook.com"),
        ("https://instagram.com/lucia", X, "x.com o twitter.com"),
    ],
)
def test_bad_urls_are_refused_in_spanish(typed: str, hosts: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalize_url(typed, hosts)


@pytest.mark.parametrize(
    ("value", "href"),
    [
        ("https://www.ejemplo.mx/x", "https://www.ejemplo.mx/x"),
        ("http://ejemplo.mx", "http://ejemplo.mx"),
        ("javascript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,x", None),
        ("https:ejemplo.mx", None),
        ("//ejemplo.mx", None),
        ("https://ejemplo.mx/a b", None),
        ("https:\\\\ejemplo.mx", None),
        ("www.ejemplo.mx", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_only_http_and_https_become_links(value: object, href: str | None) -> None:
    assert safe_href(value) == href


def test_the_contacto_rubro_checks_every_contact_field_and_keeps_what_was_typed() -> None:
    rubro = RUBROS_BY_KEY["contacto"]
    typed = {
        "correo_publico": "esto no es correo",
        "pagina_web": "javascript:alert(1)",
        "telefono_publico": "12345",
        "facebook": "https://www.ejemplo.mx/lucia",
        "tiktok": "https://www.tiktok.com/@lucia",
        "otra_red": "ftp://red.mx",
    }
    values, errors = clean_rubro(rubro, typed)
    assert set(errors) == {"correo_publico", "pagina_web", "telefono_publico", "facebook", "otra_red"}
    assert errors["correo_publico"].startswith("Correo electrónico público: escribe un correo electrónico válido")
    assert errors["pagina_web"] == "Página web: solo se aceptan direcciones web que empiecen con http:// o https://."
    assert values == typed  # the form shows back what the person typed
    values, errors = clean_rubro(
        rubro,
        {
            "correo_publico": "contacto@campana.invalid",
            "telefono_publico": "+52 443 312 0000",
            "x": "twitter.com/lucia",
            "youtube": "",
        },
    )
    assert errors == {}
    assert values["telefono_publico"] == "443 312 0000" and values["x"] == "https://twitter.com/lucia"
    assert values["youtube"] == "" and values["direccion_casa_campana"] == ""
