#!/usr/bin/env bash
# Render every tab of a workbook to PNG pages, to look at it as a person would:
# LibreOffice (headless) prints it to PDF with the workbook's own print settings, then
# pdftoppm makes one PNG per page.
#
#   scripts/render.sh [WORKBOOK] [OUTDIR]
#
# WORKBOOK defaults to templates/icp_template.xlsx, OUTDIR to a new temporary folder.
# DPI=100 scripts/render.sh ... renders sharper pages. Needs soffice and pdftoppm
# (Debian: libreoffice-calc, poppler-utils; fonts-liberation renders Arial with the same metrics).
set -euo pipefail
book="${1:-templates/icp_template.xlsx}"
out="${2:-$(mktemp -d)}"
mkdir -p "$out"
profile="$(mktemp -d)"  # a private LibreOffice profile: works while another LibreOffice runs
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf --outdir "$out" "$book" >/dev/null
pdf="$out/$(basename "${book%.*}").pdf"
pdftoppm -png -r "${DPI:-60}" "$pdf" "$out/page"
echo "$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}') pages: $out/page-*.png"
