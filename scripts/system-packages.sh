#!/usr/bin/env bash
# The system packages a make target needs beyond Python: `scripts/system-packages.sh test|bench`.
#
# Checks each command the target runs. When something is missing and this runs as root on Debian (a fresh
# container, CI), it installs the packages with apt-get; otherwise it stops at once and prints the one command
# to run. CONOCELES_APT=0 forbids installing (only check and tell). Needs nothing but bash builtins.
set -euo pipefail

# apache2ctl lives in /usr/sbin, which an unprivileged PATH often lacks.
PATH="$PATH:/usr/sbin:/sbin"

target="${1:-test}"
case "$target" in
  # Chromium for the browser tests (with a font to render pages), docker-compose and apache2 for the compose
  # and Apache checks, openssl for the TLS certificate of the Apache test, wrk for the smoke bench.
  test) needs=(chromium:chromium docker-compose:docker-compose apache2ctl:apache2 openssl:openssl wrk:wrk
               /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core) ;;
  # wrk drives the load; Apache serves the static reference and fronts the gateway.
  bench) needs=(wrk:wrk apache2:apache2) ;;
  *) echo "uso: $0 test|bench" >&2; exit 2 ;;
esac

missing=()
for need in "${needs[@]}"; do
  check="${need%%:*}"
  package="${need#*:}"
  if [[ "$check" == /* ]]; then
    [[ -e "$check" ]] || missing+=("$package")
  else
    command -v "$check" >/dev/null 2>&1 || missing+=("$package")
  fi
done
# Debian ships venv apart from Python; `make install` needs it once, to create .venv.
if [[ ! -x .venv/bin/python ]] && ! python3 -c "import ensurepip" >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

install="apt-get update -qq && apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $EUID -eq 0 && -f /etc/debian_version && "${CONOCELES_APT:-1}" != 0 ]] && command -v apt-get >/dev/null; then
  echo "make $target: instalando los paquetes del sistema que faltan: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  exit 0
fi
if [[ $EUID -ne 0 ]]; then
  install="sudo sh -c '$install'"
fi
{
  echo "make $target necesita paquetes del sistema que no están instalados: ${missing[*]}."
  echo "Instálalos (Debian o Ubuntu) y vuelve a ejecutar make $target:"
  echo
  echo "    $install"
} >&2
exit 1
