#!/bin/sh
# The README's demo of the console, as scripts/run-demo does it: private servers, the sample
# municipality, one sync, then scripts/demo/start-console; each demo login then logs in over
# HTTP and sees its pages, and chromium keeps the demo employee's map page (the README's
# picture) in BUILD_DIR/web-screenshots/demo/. Usage: demo_console_test.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
source=$2
work=$(mktemp -d /tmp/valtuus-demo-test-XXXXXX)
chmod 755 "$work"
cleanup() {
  [ -f "$work/valtuus-web.pid" ] && kill "$(cat "$work/valtuus-web.pid")" 2>/dev/null || true
  "$source/scripts/test-servers" stop "$work/servers" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "demo_console_test: $*" >&2; exit 1; }

"$source/scripts/test-servers" start "$work/servers" >/dev/null 2>&1 || fail "test servers"
set -a
. "$work/servers/env"
set +a
[ "$(id -u)" -eq 0 ] && export VALTUUS_ALLOW_ROOT=1
LDAPTLS_CACERT=$VALTUUS_TEST_LDAP_CA_FILE ldapadd -x -H "$VALTUUS_TEST_LDAP_URI" \
  -D "$VALTUUS_TEST_LDAP_ADMIN_DN" -y "$VALTUUS_TEST_LDAP_ADMIN_PASSWORD_FILE" \
  -f "$source/scripts/demo/municipality.ldif" >/dev/null
psql -q -h "$VALTUUS_TEST_PG_HOST" -p "$VALTUUS_TEST_PG_PORT" -U "$VALTUUS_TEST_PG_USER" \
  -d postgres -c "CREATE DATABASE valtuus"
cat >"$work/valtuusd.conf" <<CONF
[directory]
uri = $VALTUUS_TEST_LDAP_URI
bind_dn = $VALTUUS_TEST_LDAP_READER_DN
password_file = $VALTUUS_TEST_LDAP_READER_PASSWORD_FILE
base = ou=people,$VALTUUS_TEST_LDAP_BASE
ca_file = $VALTUUS_TEST_LDAP_CA_FILE
[database]
conninfo = host=$VALTUUS_TEST_PG_HOST port=$VALTUUS_TEST_PG_PORT user=$VALTUUS_TEST_PG_USER dbname=valtuus
[policy]
dir = $source/policies/examples
CONF
"$build/cli/valtuusctl" --config "$work/valtuusd.conf" db migrate >/dev/null
"$build/daemon/valtuusd" --config "$work/valtuusd.conf" --once >/dev/null 2>&1 || fail "valtuusd --once"

out=$("$source/scripts/demo/start-console" "$work" "$build" 0) || fail "start-console: $out"
echo "$out"
url=$(echo "$out" | sed -n 's|^The web console: \(http://localhost:[0-9]*/\).*|\1|p')
[ -n "$url" ] || fail "no address printed"
for who in "reviewer *kaijala / demo-reviewer" "security officer *johman / demo-security" \
           "administrator *tkarkkainen / demo-admin" "employee *mmakinen / demo-employee"; do
  echo "$out" | grep -q "$who" || fail "the logins printed lack: $who"
done

# Logs in with the login form as a browser does; prints the session cookie's jar file.
log_in() {
  jar="$work/$1.jar"
  form=$(curl -s -c "$jar" "${url}login")
  csrf=$(echo "$form" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
  status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" \
    --data-urlencode "csrf=$csrf" --data-urlencode "account=$1" --data-urlencode "password=$2" \
    "${url}login")
  echo "$status"
}
[ "$(log_in kaijala wrong-password)" = 401 ] || fail "a wrong password was not refused"
[ "$(log_in kaijala demo-reviewer)" = 303 ] || fail "the reviewer cannot log in"
queue=$(curl -s -b "$work/kaijala.jar" "$url")
echo "$queue" | grep -q 'href="/items/' || fail "the reviewer's queue lists no item"
[ "$(log_in johman demo-security)" = 303 ] || fail "the security officer cannot log in"
[ "$(curl -s -o /dev/null -w '%{http_code}' -b "$work/johman.jar" "${url}security/leavers")" = 200 ] ||
  fail "the security officer does not see the leavers"
[ "$(log_in tkarkkainen demo-admin)" = 303 ] || fail "the administrator cannot log in"
[ "$(curl -s -o /dev/null -w '%{http_code}' -b "$work/tkarkkainen.jar" "${url}runs")" = 200 ] ||
  fail "the administrator does not see the held runs"
# The employee: no console role, their own pages only, with the demo's maps and their whys.
[ "$(log_in mmakinen demo-employee)" = 303 ] || fail "the employee cannot log in"
map=$(curl -s -w '\n%{http_code}' -b "$work/mmakinen.jar" "${url}me/map")
[ "$(echo "$map" | tail -1)" = 200 ] || fail "the employee does not see their map page"
echo "$map" | grep -q 'data-theme="te-tyonhakija"' || fail "the employee's map lacks a theme"
echo "$map" | grep -q 'Advises and supports job seekers' || fail "the employee's map lacks the why"
[ "$(curl -s -o /dev/null -w '%{http_code}' -b "$work/mmakinen.jar" "$url")" = 403 ] ||
  fail "the employee sees the reviewers' queue"
[ "$(curl -s -o /dev/null -w '%{http_code}' -b "$work/mmakinen.jar" "${url}runs")" = 403 ] ||
  fail "the employee sees the held runs"
VALTUUS_WEB_URL=$url VALTUUS_WEB_ACCOUNT=mmakinen VALTUUS_WEB_PASSWORD=demo-employee \
  VALTUUS_SCREENSHOTS="$build/web-screenshots/demo" \
  node "$build/tests/web/browser/demo_map.mjs" || fail "the employee's map page in chromium"
echo "demo_console_test: the demo's console and its four logins work"
