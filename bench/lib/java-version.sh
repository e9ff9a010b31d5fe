# java_version: the first line of `java -version`, for the benches' headers. The launcher prints a note first
# when JDK_JAVA_OPTIONS is set (the tests' smoke runs set it: BenchSmokeE2ETest); that note is skipped.
java_version() {
  java -version 2>&1 | grep -m1 -v '^NOTE: Picked up JDK_JAVA_OPTIONS'
}
