# Where a process's CPU goes, by thread, unsampled (from /proc): a JVM names its threads by what they do.
# thread_cpu_snapshot PID FILE: each thread's name (digits collapsed) with its user and system ticks
thread_cpu_snapshot() {
  local pid=$1 out=$2 t
  : > "$out"
  for t in /proc/"$pid"/task/*; do
    # comm may hold spaces and parentheses: the fields after the last ')' are fixed
    awk -v name="$(tr -d '\n' < "$t/comm" | sed 's/[0-9][0-9]*/N/g; s/ /_/g')" \
      '{ sub(/.*\) /, ""); print name, $12, $13 }' "$t/stat" 2>/dev/null >> "$out" || true
  done
}
# thread_cpu_report BEFORE AFTER REQUESTS: CPU µs per request by thread group (system time in
# parentheses), largest first, and the total
thread_cpu_report() {
  local hz; hz=$(getconf CLK_TCK)
  awk -v hz="$hz" -v n="$3" '
    NR == FNR { u0[$1] += $2; s0[$1] += $3; next } { u1[$1] += $2; s1[$1] += $3 }
    END { f = 1e6 / hz / n
          for (k in u1) { u = (u1[k] - u0[k]) * f; s = (s1[k] - s0[k]) * f
                          if (u + s >= 1) printf "%s %.0f(%.0f)\n", k, u + s, s; tu += u; ts += s }
          printf "TOTAL %.0f(%.0f)\n", tu + ts, ts }' "$1" "$2" | sort -k2 -nr | head -12 | tr '\n' ' '
}
