#!/usr/bin/env bash
# Scaling study: wall time, CPU time and peak memory of `yalu run` against the number of
# porters per site, the simulated days and the replicates, each printed as a table with
# the fitted log-log slope (1 = linear). Benchmarks, not tests: nothing is asserted.
#
#   bench/scale.sh                  # porters 1e3..1e6, 1..9 years, replicates 1..1,000
#   SCALE_MAX_REPLICATES=10000 bench/scale.sh replicates
#   YALU=target/release/yalu SCALE_THREADS=2 bench/scale.sh porters days
#
# Each point is run SCALE_REPEATS times (default 3) and the median is reported. The
# machine's load average is printed with each table: on a shared machine, read the CPU
# (user) column, which load inflates far less than wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
YALU=${YALU:-target/release/yalu}
THREADS=${SCALE_THREADS:-2}
REPEATS=${SCALE_REPEATS:-3}
MAX_REPLICATES=${SCALE_MAX_REPLICATES:-1000}
[ -x "$YALU" ] || cargo build --release -p yalu-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A copy of the baseline with every porter site's crews and applicants, and the last day,
# replaced (the ranges widened so that the scenario stays valid).
scenario() { # applicants_per_site crews_per_site last_day out
  sed -E \
    -e "s/^crews = \{ value = [0-9]+, unit = \"crews\", assumption = \"[^\"]*\", range = \[[0-9, ]+\] \}/crews = { value = $2, unit = \"crews\", assumption = \"scale study\", range = [1, 1000000] }/" \
    -e "s/^applicants = \{ value = [0-9]+, unit = \"people\", assumption = \"[^\"]*\", range = \[[0-9, ]+\] \}/applicants = { value = $1, unit = \"people\", assumption = \"scale study\", range = [1, 100000000] }/" \
    -e "0,/^last_day = .*/s//last_day = \"$3\"/" \
    scenarios/baseline.toml >"$4"
}

# Median wall seconds, user seconds and peak RSS (MB) of REPEATS runs (each column's own
# median).
measure() { # scenario replicates
  : >"$work/runs"
  for _ in $(seq "$REPEATS"); do
    /usr/bin/time -f "%e %U %M" -o "$work/time" \
      "$YALU" run --scenario "$1" --replicates "$2" --threads "$THREADS" \
      --no-replicate-files --quiet --out "$work/out" >/dev/null
    tail -n 1 "$work/time" >>"$work/runs"
  done
  local mid=$(((REPEATS + 1) / 2))
  median() { cut -d' ' -f"$1" "$work/runs" | sort -g | sed -n "${mid}p"; }
  echo "$(median 1) $(median 2) $(awk -v kb="$(median 3)" 'BEGIN { printf "%.1f", kb / 1024 }')"
}

# Prints the rows "x wall user rss" as a table, then the log-log slopes of wall and CPU.
table() { # title x_label rows_file
  echo
  echo "$1 (threads $THREADS, median of $REPEATS; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  awk -v xl="$2" 'BEGIN { printf "%12s %10s %10s %10s\n", xl, "wall s", "cpu s", "peak MB" }
    { printf "%12s %10.2f %10.2f %10.1f\n", $1, $2, $3, $4
      x = log($1); n++; sx += x; sxx += x * x
      yw = log($2 > 0.001 ? $2 : 0.001); yc = log($3 > 0.001 ? $3 : 0.001)
      sw += yw; sxw += x * yw; sc += yc; sxc += x * yc }
    END { d = n * sxx - sx * sx
      printf "log-log slope: wall %.2f, cpu %.2f (1 = linear)\n",
        (n * sxw - sx * sw) / d, (n * sxc - sx * sc) / d }' "$3"
}

studies=${*:-porters days replicates}
for study in $studies; do
  rows="$work/$study.rows"
  : >"$rows"
  case $study in
  porters) # per site, crews = porters / 20, the whole 2017-2025 horizon, one replicate
    for n in 1000 10000 100000 1000000; do
      scenario "$n" $((n / 20)) 2025-12-31 "$work/s.toml"
      echo "$n $(measure "$work/s.toml" 1)" >>"$rows"
    done
    table "Porters per site (crews = porters / 20, 9 years, 1 replicate)" porters "$rows" ;;
  days) # 100,000 porters and 5,000 crews per site, horizons of 1 to 9 years from 2017
    for years in 1 2 3 5 9; do
      scenario 100000 5000 "$((2016 + years))-12-31" "$work/s.toml"
      echo "$((years * 365)) $(measure "$work/s.toml" 1)" >>"$rows"
    done
    table "Days (100,000 porters and 5,000 crews per site, 1 replicate)" days "$rows" ;;
  replicates) # the baseline
    for r in 1 10 100 1000 10000; do
      [ "$r" -le "$MAX_REPLICATES" ] || continue
      echo "$r $(measure scenarios/baseline.toml "$r")" >>"$rows"
    done
    table "Replicates (baseline, summaries only)" replicates "$rows" ;;
  *) echo "unknown study $study (porters, days, replicates)" >&2; exit 2 ;;
  esac
done
