# Sourced by run.sh and test.sh: .NET needs ICU for its cultures (the pages speak English and
# Spanish). On a fresh Debian machine without it, as root, installs the distribution's libicu.
lj_ensure_icu() {
  ldconfig -p 2>/dev/null | grep -q 'libicuuc\.so' && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "ICU is missing and this is not root: install it (apt-get install -y libicu72, or your distribution's libicu)" >&2
    return 1
  fi
  echo "installing ICU (libicu) for .NET's cultures" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  local package
  package=$(apt-cache search --names-only '^libicu[0-9]+$' | awk '{print $1}' | sort -V | tail -n 1)
  [ -n "$package" ] || { echo "no libicu package found" >&2; return 1; }
  apt-get install -y -qq "$package" >/dev/null
}
