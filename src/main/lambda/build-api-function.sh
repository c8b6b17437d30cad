#!/usr/bin/env bash
# Builds the API function's package for the provided.al2023 runtime, target/api-function.zip:
#   bootstrap             the JVM flags and the command line (src/main/lambda/bootstrap)
#   jre/                  a jlinked Temurin 25 (only the modules below; no debug symbols, man pages, headers)
#   gelombang.jar, lib/   the application as Quarkus packaged it into function.zip (its manifest lists lib/),
#                         less Byte Buddy, the classes without their local variable tables
#   runtime-client/       AWS's runtime interface client, the main class, and its native library
#   gelombang.aot         the AOT cache, trained on these very files (added by "finish")
# Run by Maven in the package phase:  stage <jdk-home>  ->  AotTraining (unpacks, trains)  ->  finish
set -euo pipefail
cd "$(dirname "$0")/../../.."
TARGET=target
STAGE=$TARGET/api-function
ZIP=$TARGET/api-function.zip
# The modules the application and the runtime client need: jdeps --print-module-deps over the
# runner jar, lib/ and the runtime client, plus jdk.zipfs. jdk.compiler, which jdeps also lists,
# is left out (nothing on the request path compiles Java).
MODULES=java.base,java.desktop,java.instrument,java.management,java.naming,java.net.http,java.rmi,java.sql,jdk.httpserver,jdk.unsupported,jdk.zipfs
# The modules file is compressed: with the AOT cache almost no class is read from it at start, and
# uncompressed it would take the package past Lambda's 250 MB (docs/runtime.md).
# java.desktop is there for java.beans alone: its native libraries (AWT, Java 2D, fonts, images,
# sound, splash screen) are never loaded, and are left out.
JLINK_OPTIONS=(--strip-debug --no-man-pages --no-header-files --compress=zip-6
  '--exclude-files=**/libawt*.so,**/libjawt.so,**/libfontmanager.so,**/libfreetype.so,**/libjavajpeg.so,**/liblcms.so,**/libmlib_image.so,**/libsplashscreen.so,**/libjsound.so')
# Every file gets this modification time, so the zip carries the same times the AOT cache was
# trained with (the cache checks each jar's size and time).
FILE_TIME=202601010000.00
# A zip entry's basic time is local and has no zone (the extended UTC time beside it is not read by
# every unzipper), and Lambda unpacks in UTC: stamp and zip in UTC too (AotTraining and bench/run
# unpack in UTC as well).
export TZ=UTC
# The bound for the unpacked package (the sum of its files, as its zip lists them). Lambda's own
# limit is 262,144,000 bytes for code and layers together; the bound sits a few MB above the
# package, so that growth (a newly trained path, a new library) fails the build and is looked at,
# and keeps room below Lambda's limit for a layer (the Secrets Manager extension, say)
# (docs/runtime.md, "Package size").
MAX_UNZIPPED_BYTES=230000000

case "${1:-}" in
  stage)
    JDK=${2:?JDK home}
    JRE=$TARGET/lambda-jre
    STAMP="$MODULES ${JLINK_OPTIONS[*]} $JDK"
    if [[ ! -x $JRE/bin/java || "$(cat "$JRE/.stamp" 2>/dev/null)" != "$STAMP" ]]; then
      rm -rf "$JRE"
      "$JDK/bin/jlink" --add-modules "$MODULES" "${JLINK_OPTIONS[@]}" --output "$JRE"
      # The JVM's symbol table is not needed to run.
      strip --strip-unneeded "$JRE/lib/server/libjvm.so"
      echo "$STAMP" > "$JRE/.stamp"
    fi
    rm -rf "$STAGE" "$ZIP"
    mkdir -p "$STAGE/runtime-client"
    cp -r "$JRE" "$STAGE/jre"
    rm -f "$STAGE/jre/.stamp"
    (cd "$STAGE" && unzip -q ../function.zip 'lib/*')
    # Byte Buddy is Hibernate's bytecode provider for enhancing entities and generating proxies,
    # which Quarkus does at build time: nothing loads it at run time (Quarkus leaves it out of the
    # runtime class path from 3.35 on, quarkusio/quarkus#53633). The runner jar's
    # manifest still names it, and the JVM and the AOT cache skip a Class-Path entry that is absent.
    rm "$STAGE"/lib/net.bytebuddy.byte-buddy-*.jar
    cp "$TARGET"/gelombang-*-runner.jar "$STAGE/gelombang.jar"
    for jar in "$TARGET"/lambda-runtime/*.jar; do
      name=$(basename "$jar" .jar)
      cp "$jar" "$STAGE/runtime-client/${name%-[0-9]*}.jar"
    done
    # The runtime client's native HTTP client for this architecture, unpacked here once: the
    # bootstrap names it, so no start copies it out of the jar into /tmp first.
    unzip -q -j "$STAGE/runtime-client/aws-lambda-java-runtime-interface-client.jar" \
      jni/libaws-lambda-jni.linux-x86_64.so -d "$STAGE/runtime-client"
    # The jar's copies of that library (this and three other architectures) are read only when
    # the property the bootstrap sets is absent.
    zip -q -d "$STAGE/runtime-client/aws-lambda-java-runtime-interface-client.jar" 'jni/*'
    # The classes without their local variable tables (jlink's --strip-debug drops them from the
    # JDK's too), which only a debugger reads: smaller jars, and a smaller AOT cache, which keeps
    # every archived method's tables. Line numbers stay, for stack traces.
    "$JDK/bin/java" -cp "$TARGET/lambda-build-tools/asm.jar" src/main/lambda/StripLocalVariables.java \
      "$STAGE/gelombang.jar" "$STAGE"/lib/*.jar "$STAGE"/runtime-client/*.jar
    cp src/main/lambda/bootstrap "$STAGE/bootstrap"
    chmod 755 "$STAGE/bootstrap"
    # Lambda runs the function as a user other than the file owner: everything readable, whatever the umask.
    chmod -R a+rX "$STAGE"
    find "$STAGE" -exec touch -h -t "$FILE_TIME" {} +
    # Without -X: the entries keep their UTC times (extended timestamp), not only the zone-less DOS time.
    (cd "$STAGE" && zip -q -r -y ../api-function.zip .)
    ;;
  finish)
    CACHE=$TARGET/aot-training/gelombang.aot
    [[ -s $CACHE ]] || { echo "no AOT cache at $CACHE" >&2; exit 1; }
    cp "$CACHE" "$STAGE/gelombang.aot"
    chmod a+r "$STAGE/gelombang.aot"
    touch -t "$FILE_TIME" "$STAGE/gelombang.aot"
    (cd "$STAGE" && zip -q ../api-function.zip gelombang.aot)
    UNZIPPED=$(unzip -Zt "$ZIP" | awk '{print $3}')
    echo "api-function.zip: $(du -b "$ZIP" | cut -f1) bytes zipped, $UNZIPPED bytes unzipped (bound $MAX_UNZIPPED_BYTES)"
    if (( UNZIPPED > MAX_UNZIPPED_BYTES )); then
      echo "api-function.zip unpacks to $UNZIPPED bytes, more than the bound of $MAX_UNZIPPED_BYTES" >&2
      exit 1
    fi
    ;;
  *) echo "usage: $0 stage <jdk-home> | finish" >&2; exit 2 ;;
esac
