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

# Debian's PyTorch for the reference sides (benchmarks/clip, benchmarks/train): sets $python, exits
# when torch is missing, warns when libblas.so.3 is not OpenBLAS-OpenMP (PyTorch is slow then).
require_pytorch() {
  python=/usr/bin/python3   # Debian's, where python3-torch lives (not a pyenv one)
  if ! "$python" -c 'import torch' 2>/dev/null; then
    echo "PyTorch missing: apt-get install -y python3-torch libopenblas0-openmp" >&2; exit 1
  fi
  local blas
  blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 || true)"
  case "$blas" in
    *openblas-openmp*) ;;
    *) echo "warning: libblas.so.3 is $blas, not OpenBLAS-OpenMP; PyTorch will be slow. Fix with:" >&2
       echo "  update-alternatives --set libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3" >&2;;
  esac
}

# target/vificlip.jar (the runnable jar, dependencies in target/lib), tests skipped.
build_jar() {
  echo "building target/vificlip.jar ..." >&2
  mvn -B -q package -DskipTests
}
