# Sourced by run.sh and test.sh: the talent review's PDF is set in DejaVu Sans (or Liberation Sans),
# read from the system's fonts. On a fresh Debian machine without either, as root, installs
# fonts-dejavu-core. Without one the PDF answers 503 and says so; nothing else needs it.
lj_ensure_fonts() {
  # Both faces are needed (regular and bold); a missing folder is no error (run.sh and test.sh use pipefail).
  local found
  found=$( { find /usr/share/fonts /usr/local/share/fonts \( -name 'DejaVuSans-Bold.ttf' -o -name 'LiberationSans-Bold.ttf' \) 2>/dev/null || true; } | head -n 1)
  [ -n "$found" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "no DejaVu or Liberation font and this is not root: install one (apt-get install -y fonts-dejavu-core) for the PDF reports" >&2
    return 0
  fi
  echo "installing fonts-dejavu-core for the PDF reports" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null \
    || echo "could not install fonts-dejavu-core; PDF reports will answer 503" >&2
}
