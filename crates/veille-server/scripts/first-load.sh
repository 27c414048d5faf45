#!/usr/bin/env bash
# Bytes a browser transfers (gzip bodies + headers) for the first page load of the
# UI: the page and everything it references, the login, /api/me, the basemap and the
# default map (all events the user may see, up to the map cap). Needs curl.
#   usage: first-load.sh http://127.0.0.1:8080 USER   (password on standard input)
set -euo pipefail
base=${1:?base URL}; user=${2:?user}
IFS= read -r pass
jar=$(mktemp); trap 'rm -f "$jar"' EXIT
total=0
fetch() { # method path [body]
  local out
  if [ "$1" = POST ]; then
    out=$(curl -s -o /dev/null -c "$jar" -b "$jar" -H 'Accept-Encoding: gzip, deflate, br' \
      -H 'Content-Type: application/json' -X POST --data-binary "$3" \
      -w '%{size_download} %{size_header} %{http_code}' "$base$2")
  else
    out=$(curl -s -o /dev/null -c "$jar" -b "$jar" -H 'Accept-Encoding: gzip, deflate, br' \
      -w '%{size_download} %{size_header} %{http_code}' "$base$2")
  fi
  read -r body head code <<<"$out"
  total=$((total + body + head))
  printf '%8d %6d %s %s %s\n' "$body" "$head" "$code" "$1" "$2"
}
printf '%8s %6s %s\n' body header 'status request'
fetch GET /
for a in $(curl -s "$base/" | grep -oE '(src|href)="/assets/[^"]+"' | sed -E 's/.*="([^"]+)"/\1/'); do
  fetch GET "$a"
done
fetch GET /api/me
body=$(printf '{"username":"%s","password":"%s"}' "$user" "$pass")
fetch POST /api/login "$body"
fetch GET /api/boundaries/admin1.geojson
fetch GET /api/map/events.geojson
echo "total: $total bytes ($(awk "BEGIN{printf \"%.3f\", $total/1e6}") MB); at 256 kbit/s: $(awk "BEGIN{printf \"%.1f\", $total*8/256000}") s"
