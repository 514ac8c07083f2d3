# Sourced by bin/lanes, bin/test and .ci/run: sets LANES_JAVA_HOME to a JDK >= 21, or fails in one line.
# Order: $JAVA_HOME if it is >= 21, else the newest JDK >= 21 in the system's JVM folders, else `java` on PATH.

lanes_java_major() {
    # prints the feature version of the java binary $1 (17, 21, 25...), or nothing
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

lanes_find_jdk() {
    local min=21 best="" best_major=0 dir major
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
        major=$(lanes_java_major "$JAVA_HOME/bin/java")
        if [ -n "$major" ] && [ "$major" -ge "$min" ]; then LANES_JAVA_HOME="$JAVA_HOME"; return 0; fi
    fi
    # LANES_JVM_ROOTS overrides the folders searched (the launcher's tests use it)
    local roots="${LANES_JVM_ROOTS:-/usr/lib/jvm /usr/java /opt/java /Library/Java/JavaVirtualMachines}" root
    for root in $roots; do for dir in "$root"/* "$root"/*/Contents/Home; do
        [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] || continue
        major=$(lanes_java_major "$dir/bin/java")
        if [ -n "$major" ] && [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then
            best="$dir"; best_major="$major"
        fi
    done; done
    if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
        dir=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
        major=$(lanes_java_major "$dir/bin/java")
        if [ -n "$major" ] && [ "$major" -ge "$min" ]; then best="$dir"; fi
    fi
    if [ -z "$best" ]; then
        echo "lanes: no JDK $min or newer found (checked \$JAVA_HOME, $roots and javac on PATH); install one, e.g. Temurin 25, or set JAVA_HOME" >&2
        return 1
    fi
    LANES_JAVA_HOME="$best"
}
