# Shared helpers for Openbell scripts. Source it; do not run it.

# Prints the JAVA_HOME of a JDK 25 (JAVA_HOME first, then /usr/lib/jvm/*25*), or explains and fails.
find_jdk25() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ "${version%%.*}" -ge 25 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "openbell: no JDK 25 found (looked at \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "  Install one, e.g. 'apt-get install openjdk-25-jdk-headless' (Debian trixie) or Temurin 25, or set JAVA_HOME." >&2
  return 1
}

# Installs what is missing when running as root (apt), otherwise lists it. Each argument is a
# Debian package name, or "command=package" to accept any installation that provides the command
# (e.g. a Node.js from elsewhere, whose npm conflicts with Debian's npm package).
ensure_packages() {
  local missing=() spec pkg cmd
  for spec in "$@"; do
    if [ "${spec#*=}" != "$spec" ]; then
      cmd=${spec%%=*}
      pkg=${spec#*=}
      command -v "$cmd" >/dev/null 2>&1 && continue
    else
      pkg=$spec
      dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" && continue
    fi
    missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "openbell: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "openbell: missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    return 1
  fi
}

# Stops the mosquitto and coturn system services that a fresh install may have started (tests
# start their own on free loopback ports).
stop_system_mosquitto() {
  local service
  for service in mosquitto coturn; do
    if [ "$(id -u)" -eq 0 ] && command -v systemctl >/dev/null && systemctl is-active --quiet "$service" 2>/dev/null; then
      systemctl stop "$service" || true
    fi
  done
}

# Builds the project's jars if $1 is missing or older than the sources, and prints $1. Needs
# JAVA_HOME and PATH set (find_jdk25).
built_jar() {
  local jar=$1 newest
  newest=$(find pom.xml hardware/pom.xml mqtt-signaling/pom.xml media-pipeline/pom.xml web-push/pom.xml broker-tools/pom.xml device-agent/pom.xml hardware/src mqtt-signaling/src media-pipeline/src web-push/src broker-tools/src device-agent/src device-agent/webapp/src device-agent/webapp/package.json -newer "$jar" -type f -print -quit 2>/dev/null || true)
  if [ ! -f "$jar" ] || [ -n "$newest" ]; then
    echo "openbell: building (first run takes a few minutes)..." >&2
    mvn -B -q -ntp -DskipTests package >&2
  fi
  echo "$jar"
}

# The packaged agent (device-agent/target/openbell-agent.jar and its lib/), built if needed.
agent_jar() {
  built_jar device-agent/target/openbell-agent.jar
}

# The broker tools for an external Mosquitto (broker-tools/target/openbell-broker-tools.jar and its lib/), built if needed.
broker_tools_jar() {
  built_jar broker-tools/target/openbell-broker-tools.jar
}

# Builds a minimal Debian trixie root in $1 with what the openbell .deb depends on, unless it is
# there already (debootstrap; needs root and a Debian mirror).
ensure_trixie_root() {
  local dir=$1
  # The package's dependencies and recommendations (pulseaudio: the doorbell's sound server unit).
  [ -x "$dir/usr/bin/dpkg" ] && [ -d "$dir/usr/lib/jvm" ] && [ -x "$dir/usr/bin/pulseaudio" ] && return 0
  echo "openbell: building a Debian trixie root in $dir for the package test (about a minute)..." >&2
  rm -rf "$dir.partial" "$dir"
  mkdir -p "$(dirname "$dir")"
  debootstrap --variant=minbase --include=openjdk-25-jre-headless,libpulse0,pulseaudio,systemd,adduser trixie "$dir.partial" \
    http://deb.debian.org/debian >"$(dirname "$dir")/debootstrap.log" 2>&1 \
    || { echo "openbell: debootstrap failed, see $(dirname "$dir")/debootstrap.log" >&2; return 1; }
  mv "$dir.partial" "$dir"
}

# A Debian trixie root with RabbitMQ 4 (rabbitmq-server 4.0.5 and Erlang, MQTT and Web MQTT
# plugins included) for the cluster test (issue 16): nodes run chrooted in it. Built once (~2 min).
ensure_trixie_rabbitmq_root() {
  local dir=$1
  [ -x "$dir/usr/lib/rabbitmq/bin/rabbitmq-server" ] && return 0
  echo "openbell: building a Debian trixie root with RabbitMQ in $dir for the cluster test (about 2 minutes)..." >&2
  # Never delete through a mount a killed test left (the nodes' /proc and /dev).
  local m
  for m in $(awk -v d="$dir" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do umount -l "$m"; done
  rm -rf "$dir.partial" "$dir"
  mkdir -p "$(dirname "$dir")"
  debootstrap --variant=minbase --include=rabbitmq-server trixie "$dir.partial" http://deb.debian.org/debian \
    >"$(dirname "$dir")/rabbitmq-debootstrap.log" 2>&1 \
    || { echo "openbell: debootstrap failed, see $(dirname "$dir")/rabbitmq-debootstrap.log" >&2; return 1; }
  # Debian starts the broker as a service after installing it: nothing runs in the root but tests' nodes.
  rm -rf "$dir.partial/var/lib/rabbitmq/mnesia"
  mv "$dir.partial" "$dir"
}

# Lets this amd64 machine run arm64 programs (qemu-user through binfmt_misc); fails with why not.
enable_arm64_emulation() {
  ensure_packages qemu-user-static binfmt-support
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || { echo "openbell: cannot run arm64 programs (binfmt qemu-aarch64)" >&2; return 1; }
}

# Builds a minimal Debian trixie arm64 root in $1 with the Java runtime and the libraries that
# webrtc-java's linux-aarch64 natives and the media worker load, unless it is there already
# (debootstrap under qemu-user; ~10 minutes here).
ensure_trixie_arm64_root() {
  local dir=$1
  [ -x "$dir/usr/lib/jvm/java-25-openjdk-arm64/bin/java" ] && [ -e "$dir/usr/lib/aarch64-linux-gnu/libpulse.so.0" ] && return 0
  echo "openbell: building a Debian trixie arm64 root in $dir (about 10 minutes under emulation)..." >&2
  # Never delete through a mount left by a killed run (arm64-call binds /dev and /tmp into it).
  local m
  for m in $(awk -v d="$dir" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do umount -l "$m"; done
  if awk -v d="$dir" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    echo "openbell: $dir still has mounts under it; not deleting it" >&2
    return 1
  fi
  rm -rf "$dir.partial" "$dir"
  mkdir -p "$(dirname "$dir")"
  debootstrap --arch=arm64 --variant=minbase \
    --include=openjdk-25-jre-headless,libpulse0,libx11-6,libxfixes3,libxrandr2,libxcomposite1,libxext6,libxdamage1,libdbus-1-3,libudev1 \
    trixie "$dir.partial" http://deb.debian.org/debian >"$(dirname "$dir")/debootstrap-arm64.log" 2>&1 \
    || { echo "openbell: debootstrap failed, see $(dirname "$dir")/debootstrap-arm64.log" >&2; return 1; }
  mv "$dir.partial" "$dir"
}
