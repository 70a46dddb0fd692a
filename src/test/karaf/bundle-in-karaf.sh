#!/usr/bin/env bash
# By hand, not in CI (it downloads Apache Karaf, 36 MB, and boots it): how far ucsync gets in a real Karaf.
#   1. src/main/feature/feature.xml is added as a features repository (Karaf checks it against its schema), and
#      "feature:install ucsync" is tried: it fails while the Camel Karaf features are not on Maven Central.
#   2. Without those features, the ucsync bundle is installed beside its runtime dependencies as bundles (the jars
#      that are no bundles, Camel's among them, wrapped by Karaf's wrap: handler, exporting at their own version),
#      and must resolve and start (Active) with camel-main absent (an optional import).
# Run from the top level after "mvn -B -q package -DskipTests". Exit code 0 when the bundle is Active.
set -euo pipefail
cd "$(dirname "$0")/../../.."
KARAF_VERSION=4.4.10
bundle=$(ls target/ucsync-*-SNAPSHOT.jar target/ucsync-[0-9]*.jar 2>/dev/null | grep -v -- '-sources' | head -1)
work=$(mktemp -d)
karaf=$work/apache-karaf-$KARAF_VERSION

mvn -q -B dependency:get -Dartifact=org.apache.karaf:apache-karaf:$KARAF_VERSION:tar.gz -Dtransitive=false
tar xzf ~/.m2/repository/org/apache/karaf/apache-karaf/$KARAF_VERSION/apache-karaf-$KARAF_VERSION.tar.gz -C "$work"
mvn -q -B dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile="$work/classpath"

# its SSH console and JMX on free loopback ports, and a console user
read -r ssh rmi_registry rmi_server < <(python3 -c '
import socket
sockets = [socket.socket() for _ in range(3)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in sockets])')
sed -i "s/^sshPort *=.*/sshPort = $ssh/; s/^sshHost *=.*/sshHost = 127.0.0.1/" "$karaf/etc/org.apache.karaf.shell.cfg"
sed -i "s/^rmiRegistryPort *=.*/rmiRegistryPort = $rmi_registry/; s/^rmiServerPort *=.*/rmiServerPort = $rmi_server/; \
s/^rmiRegistryHost *=.*/rmiRegistryHost = 127.0.0.1/; s/^rmiServerHost *=.*/rmiServerHost = 127.0.0.1/" \
    "$karaf/etc/org.apache.karaf.management.cfg"
sed -i 's/^#karaf = /karaf = /; s/^#_g_\\:admingroup/_g_\\:admingroup/' "$karaf/etc/users.properties"

"$karaf/bin/start"
trap '"$karaf/bin/stop" >/dev/null 2>&1 || true; sleep 5; rm -rf "$work"' EXIT
console() {
    "$karaf/bin/client" -a "$ssh" -h 127.0.0.1 -u karaf -p karaf -r 30 -d 2 -b 2>&1 | { grep -v 'JAVA_HOME' || true; }
}

echo "== 1. the features descriptor"
console <<< "feature:repo-add file:$PWD/src/main/feature/feature.xml"
console <<< "feature:install ucsync" || true

echo "== 2. the bundle beside its dependencies"
{
    for jar in $(tr ':' ' ' < "$work/classpath"); do
        name=$(basename "$jar" .jar)
        case "$name" in
            # Karaf's pax-logging provides the logging APIs; camel-main is left out on purpose (optional import)
            log4j-*|slf4j-api-*|camel-main-*) continue ;;
        esac
        version=$(sed -E 's/^([0-9]+(\.[0-9]+){0,2}).*/\1/' <<< "$(sed -E 's/^.*-([0-9][^-]*(-[A-Za-z0-9.]+)?)$/\1/' <<< "$name")")
        # micrometer-core is a bundle whose manifest requires caffeine, aspectj and more: wrapped like a plain jar
        if [[ $name != micrometer-core-* ]] && unzip -p "$jar" META-INF/MANIFEST.MF | grep -q '^Bundle-SymbolicName'; then
            echo "bundle:install 'file:$jar'"
        else
            echo "bundle:install 'wrap:file:$jar\$Bundle-SymbolicName=wrapped.${name%-"$version"*}&Bundle-Version=$version&Export-Package=*;version=\"$version\"&Import-Package=*;resolution:=optional&overwrite=merge'"
        fi
    done
    echo "bundle:install file:$PWD/$bundle"
} | console > /dev/null
id=$(console <<< "bundle:list -t 0 -s" | grep -a ' io.ucsync$' | awk '{print $1}')
console <<< "bundle:resolve 1-$id" > /dev/null || true
console <<< "bundle:start $id" || true
console <<< "bundle:diag $id"
console <<< "package:imports -b $id" | grep -a 'org.apache.camel \|javax.sip \|camel.main'
state=$(console <<< "bundle:list -t 0 -s" | grep -a ' io.ucsync$')
echo "$state"
[[ $state == *Active* ]]
