#!/usr/bin/env bash
# Install the Debian packages the project needs when they are missing: Chromium for the
# browser tests, gettext for compiling translations, zbar for QR decoding, fonts for PDFs
# (badges: every script), poppler-utils to check PDFs, faketime for the date tests.
# As root it uses apt-get; otherwise it prints the one line to run.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# Badges print names in every script: Noto Sans with its Arabic, Hebrew and other script
# families, and Noto Sans CJK for Chinese, Japanese and Korean (registration/badges.py checks
# the same files and says which package is missing). poppler-utils: pdffonts and pdftoppm,
# with which the badge tests check that every font is embedded.
for font in truetype/noto/NotoSans-Regular.ttf truetype/noto/NotoSans-Bold.ttf \
    truetype/noto/NotoSansArabic-Regular.ttf truetype/noto/NotoSansArabic-Bold.ttf \
    truetype/noto/NotoSansHebrew-Regular.ttf truetype/noto/NotoSansHebrew-Bold.ttf; do
  [ -f "/usr/share/fonts/$font" ] || { missing+=(fonts-noto-core); break; }
done
for font in NotoSansCJK-Regular.ttc NotoSansCJK-Bold.ttc; do
  [ -f "/usr/share/fonts/opentype/noto/$font" ] || { missing+=(fonts-noto-cjk); break; }
done
command -v pdffonts >/dev/null 2>&1 || missing+=(poppler-utils)
# The report's DOCX is set in Arial; LibreOffice draws it as Liberation Sans (same widths), and
# the exporter measures its column widths with that font's metrics.
[ -f /usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf ] || missing+=(fonts-liberation2)
# faketime: `make test-dates` runs the date-sensitive tests at year end and on 29 February.
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
# PyICU (name collation for sign-in sheets) has no wheel: pip builds it against Debian's ICU.
{ pkg-config --exists icu-i18n && command -v g++; } >/dev/null 2>&1 || missing+=(libicu-dev pkg-config g++)
python3 -c 'import ctypes.util,sys; sys.exit(0 if ctypes.util.find_library("pango-1.0") else 1)' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages. Install them with:"
  echo "  sudo apt-get install -y ${missing[*]}"
  exit 1
fi
