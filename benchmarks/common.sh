# Shared set-up of the benchmark scripts (sourced from the project root).

# ffmpeg is the reference decoder: install Debian's package when we may, else say how.
require_ffmpeg() {
  if command -v ffmpeg >/dev/null 2>&1; then
    return
  fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "ffmpeg not found: installing the Debian package (apt-get install -y ffmpeg)" >&2
    apt-get install -y ffmpeg >/dev/null || { apt-get update >/dev/null && apt-get install -y ffmpeg >/dev/null; }
  else
    echo "ffmpeg not found: install it (Debian/Ubuntu: sudo apt-get install -y ffmpeg) and re-run" >&2
    exit 1
  fi
}

# Compiles the project and prints the class path of its classes and dependencies (offline when it can).
project_classpath() {
  { mvn -B -q -o compile 2>/dev/null || mvn -B -q compile; } >&2  # stdout is the class path only
  local cp_file=target/bench-classpath.txt
  mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null 2>&1 \
    || mvn -B -q dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
  echo "target/classes:$(cat "$cp_file")"
}
