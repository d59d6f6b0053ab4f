#!/usr/bin/env bash
# Loads the tokentax triggers, queries and board into one Honeycomb dataset (with OTLP, the dataset
# is the service name). Needs curl and jq, and a Honeycomb *configuration* API key with the
# Manage Queries and Columns, Manage Triggers and Manage Public Boards permissions.
#
#   HONEYCOMB_API_KEY=... HONEYCOMB_DATASET=checkout examples/honeycomb/load.sh
#
# HONEYCOMB_API_URL defaults to https://api.honeycomb.io (EU: https://api.eu1.honeycomb.io).
# Edit triggers/*.json first: the recipients are placeholders (llm-oncall@example.com).
set -euo pipefail
api="${HONEYCOMB_API_URL:-https://api.honeycomb.io}"
key="${HONEYCOMB_API_KEY:?set HONEYCOMB_API_KEY to a Honeycomb configuration key}"
dataset="${HONEYCOMB_DATASET:?set HONEYCOMB_DATASET to the dataset (service.name) your spans land in}"
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ds="$(jq -rn --arg d "$dataset" '$d|@uri')"

# POST stdin as JSON to $api$1; print the response body; fail on an HTTP error.
post() {
  curl -sS --fail-with-body -X POST "$api$1" \
    -H "X-Honeycomb-Team: $key" -H 'Content-Type: application/json' --data-binary @-
}

for trigger in "$dir"/triggers/*.json; do
  post "/1/triggers/$ds" < "$trigger" | jq -r '"trigger  \(.id)  \(.name)"'
done

board="$(cat "$dir/board.json")"
count="$(jq '.panels | length' <<<"$board")"
for ((i = 0; i < count; i++)); do
  file="$(jq -r --argjson i "$i" '.panels[$i].query_panel.query_id | ltrimstr("@")' <<<"$board")"
  query_id="$(post "/1/queries/$ds" < "$dir/$file" | jq -r .id)"
  annotation_id="$(jq -c --argjson i "$i" --arg q "$query_id" '.panels[$i].annotation + {query_id: $q}' <<<"$board" |
    post "/1/query_annotations/$ds" | jq -r .id)"
  echo "query    $query_id  $file"
  board="$(jq --argjson i "$i" --arg q "$query_id" --arg a "$annotation_id" \
    '.panels[$i].query_panel.query_id = $q | .panels[$i].query_panel.query_annotation_id = $a | del(.panels[$i].annotation)' <<<"$board")"
done
post /1/boards <<<"$board" | jq -r '"board    \(.id)  \(.links.board_url // "")"'
