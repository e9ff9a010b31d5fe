source bench/lib/java-version.sh

# harness_classpath: the gateway's dependencies as a class path, for the cost harnesses run as
# single-file Java programs: CP when set (the tests' smoke run passes its own, so no Maven starts
# inside Maven's run), else Maven's.
harness_classpath() {
  if [ -n "${CP:-}" ]; then
    printf '%s' "$CP"
    return
  fi
  local file
  file=$(mktemp)
  mvn -q -B dependency:build-classpath -Dmdep.outputFile="$file" > /dev/null
  cat "$file"
  rm -f "$file"
}
