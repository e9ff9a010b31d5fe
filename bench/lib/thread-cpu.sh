# Where a process's CPU goes, by thread, unsampled (from /proc): a JVM names its threads by what they do.
# thread_cpu_snapshot PID FILE: each thread's id, name (digits collapsed, cut to 13 characters), user and
# system ticks, the times it has been put on a CPU (schedstat's third field: a wake-up or a return after
# preemption, each a context switch; "-" on a kernel without schedstats), and a line "process" with the
# whole process's ticks (which keeps the time of threads that have exited)
thread_cpu_snapshot() {
  local pid=$1 out=$2 t name stat sched
  local -a fields
  local schedstats=1; [ -r /proc/self/schedstat ] || schedstats=
  # bash's own reads, one awk at the end: a process or three per thread took ~10 s and most of a core
  # for a JVM's ~300 threads, between the rounds measured (bench/RESULTS.md)
  for t in /proc/"$pid"/task/*; do
    # a thread may exit while this runs; comm may hold spaces and parentheses: the fields after the last ')' are fixed
    # (the braces: a failed '<' is reported before a 2>/dev/null after it applies; '|| continue': set -e callers)
    # (schedstat in the same group: a thread that exits in between is left out whole, not counted from 0)
    sched="- - -"
    { IFS= read -r name < "$t/comm" && IFS= read -r stat < "$t/stat" \
      && { [ -z "$schedstats" ] || IFS= read -r sched < "$t/schedstat"; }; } 2>/dev/null || continue
    [ -n "$name" ] || continue
    IFS=" " read -ra fields <<< "${stat##*) }"
    echo "${t##*/} ${name// /_} ${fields[11]} ${fields[12]} ${sched##* }"
  # the kernel keeps a name's first 15 bytes: "Thread-3 (Activ…" and "Thread-27 (Acti…" are one pool, cut alike
  done | awk '{ gsub(/[0-9]+/, "N", $2); $2 = substr($2, 1, 13); print }' > "$out"
  awk '{ sub(/.*\) /, ""); print "process", "TOTAL", $12, $13, "-" }' /proc/"$pid"/stat >> "$out"
}
# thread_switch_report BEFORE AFTER REQUESTS: the times the process's threads were put on a CPU, per
# request, by thread group, largest first, after their sum ("TOTAL n/a" without schedstats). Each is a
# context switch: a thread woken (a hand-off) or preempted. The sum is of the threads alive at AFTER:
# those that started in between count from 0, those that exited not at all.
thread_switch_report() {
  awk -v n="$3" '
    NR == FNR { r0[$1] = $5; next }
    $1 != "process" && $5 == "-" { none = 1 }
    $1 != "process" && $5 != "-" { d = $5 - r0[$1]; g[$2] += d; total += d }
    END { if (none && total == 0) { print "TOTAL n/a"; exit }
          printf "TOTAL %.1f\n", total / n
          for (k in g) { if (g[k] / n >= 0.05) printf "%s %.1f\n", k, g[k] / n } }' "$1" "$2" \
    | { IFS= read -r total; printf "%s " "$total"; sort -k2 -nr | head -8 | tr '\n' ' '; }
}
# thread_cpu_report BEFORE AFTER REQUESTS: CPU µs per request by thread group (system time in
# parentheses), largest first, after the process's total. A thread counts from its own ticks in
# BEFORE (0 when it started since); one that exited in between counts only in the total.
thread_cpu_report() {
  local hz; hz=$(getconf CLK_TCK)
  awk -v hz="$hz" -v n="$3" '
    NR == FNR { u0[$1] = $3; s0[$1] = $4; next }
    { u = $3 - u0[$1]; s = $4 - s0[$1]
      if ($1 == "process") { tu = u; ts = s } else { gu[$2] += u; gs[$2] += s } }
    END { f = 1e6 / hz / n
          printf "TOTAL %.0f(%.0f)\n", (tu + ts) * f, ts * f
          for (k in gu) { if ((gu[k] + gs[k]) * f >= 1) printf "%s %.0f(%.0f)\n", k, (gu[k] + gs[k]) * f, gs[k] * f } }' "$1" "$2" \
    | { IFS= read -r total; printf "%s " "$total"; sort -k2 -nr | head -11 | tr '\n' ' '; }
}
# jit_share BEFORE AFTER ROUNDS [ci]: the share of the process's CPU its JIT compiler threads took between
# two snapshots, as "JIT compiler threads: N% of the gateway's CPU in rounds ROUNDS"; over 5 % a second line
# warns that the code measured was still being compiled and its figures are not the steady state's (not
# with "ci": those runs are too short to be). HotSpot's C1/C2 threads only ("C2 CompilerThre" in comm; not
# Graal's JVMCI threads), and only those alive at both snapshots: a compiler thread HotSpot stopped in
# between (more than one per kind, on larger machines) counts in the total alone.
jit_share() {
  awk -v rounds="$3" -v ci="${4:-}" '
    NR == FNR { t0[$1] = $3 + $4; next }
    { d = $3 + $4 - t0[$1]; if ($1 == "process") total = d; else if ($2 ~ /^CN_Compiler/) jit += d }
    END { share = total > 0 ? 100 * jit / total : 0
          printf "JIT compiler threads: %.1f%% of the gateway'"'"'s CPU in rounds %s\n", share, rounds
          if (share > 5 && ci == "") print "WARNING: the JIT was still compiling in rounds " rounds ": their figures are not the steady state; give the bench a longer warm-up" }' "$1" "$2"
}
