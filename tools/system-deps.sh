#!/usr/bin/env bash
# Installs the Debian packages the kiosk needs to build, test and demo. Idempotent: it asks apt
# only for what is missing, so a second run costs a dpkg query.
set -euo pipefail

packages=(
    # PC/SC stack: pcscd, the headers pyscard builds against, vsmartcard's virtual reader driver
    pcscd libpcsclite1 libpcsclite-dev vsmartcard-vpcd swig gcc
    python3-venv python3-dev
    # Qt's xcb platform (Xvfb screenshots, the demo window) and offscreen rendering
    xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 libxcb-render-util0
    libxcb-image0 libxcb-shape0 libxcb-randr0 libegl1 libgl1 libfontconfig1 libdbus-1-3
    libxkbcommon0 libglib2.0-0
    # what the frozen bundle takes from the host for Qt's wayland platform (tests/e2e/test_bundle.py)
    libwayland-client0 libwayland-cursor0
    # PDF to PNG for looking at printed slips; procps for pkill/pgrep in tests
    poppler-utils procps
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}. Run 'make' as root, or install them with apt-get." >&2
    exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
