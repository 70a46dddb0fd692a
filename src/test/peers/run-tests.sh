#!/usr/bin/env bash
# The test command of README "The two commands": installs the real peers the tests talk to (Debian packages; as
# root, or through sudo), then runs the whole suite and the Spring Boot example's test. Each test starts its own
# peers (Kamailio, PostgreSQL, ZooKeeper, Chromium, ...) on free ports and stops them.
set -euo pipefail
cd "$(dirname "$0")/../../.."

PEERS=(kamailio kamailio-presence-modules kamailio-tls-modules sip-tester baresip chromium postgresql zookeeper prometheus)
missing=()
for package in "${PEERS[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing the tests' peers: ${missing[*]}"
    as_root=()
    [ "$(id -u)" -eq 0 ] || as_root=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update -q
    "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

mvn -B verify

# ucsync inside a Spring Boot application (src/main/docs/operations.md "Packaging and deployment"): the plain jar into
# the local repository, then the example's own test.
mvn -B -q install -DskipTests
(cd examples/spring-boot && mvn -B verify)
