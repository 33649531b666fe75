from services.common.origen import allowed_hosts, cross_site, host_of

ALLOWED = allowed_hosts("https://conoceles.example.mx", "127.0.0.1:8080")


def test_host_of_normalizes_default_ports_and_case() -> None:
    assert host_of("https://Conoceles.Example.mx:443/x") == "conoceles.example.mx"
    assert host_of("http://a:8080") == "a:8080"
    assert host_of("null") is None
    assert host_of("javascript:alert(1)") is None
    assert host_of("http://a:99999") is None


def test_own_site_passes() -> None:
    assert not cross_site("https://conoceles.example.mx", None, ALLOWED)
    assert not cross_site(None, "https://conoceles.example.mx/cuenta/entrar", ALLOWED)
    assert not cross_site("http://127.0.0.1:8080", None, ALLOWED)
    assert not cross_site(None, None, ALLOWED)  # no header at all: left to the CSRF token
    assert not cross_site(None, "", ALLOWED)


def test_other_sites_are_refused() -> None:
    for origin in ("https://evil.example", "null", "https://conoceles.example.mx.evil.example", "http://127.0.0.1:1"):
        assert cross_site(origin, None, ALLOWED), origin
    assert cross_site(None, "https://evil.example/conoceles.example.mx", ALLOWED)
    # Origin wins over a same-site Referer.
    assert cross_site("https://evil.example", "https://conoceles.example.mx/", ALLOWED)


def test_forwarded_host_default_port() -> None:
    assert allowed_hosts("http://x", "Sitio.mx:443") == {"x", "sitio.mx"}
