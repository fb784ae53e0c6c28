#!/bin/sh
# `cmake --install` lays out the programs, the units, /etc/valtuus with the example
# configuration and maps; `cpack -G DEB` builds a package that installs the same, with the
# configuration as conffiles, maintainer scripts and computed dependencies.
# Usage: deb_package_test.sh BUILD_DIR SOURCE_DIR   (the build must be complete: it packages
# what was built). Exit 77 (skipped) only when cpack or dpkg-deb is not installed.
set -u
build=$1
source=$2

for tool in cmake cpack dpkg-deb; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is not installed"
    exit 77
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
expect_file() {  # path [description]
  [ -f "$1" ] || fail "missing ${2:-$1}"
}
expect_line() {  # file fixed-line
  grep -qxF -- "$2" "$1" || fail "$(basename "$1"): no line '$2'"
}

# --- cmake --install into a private prefix ---------------------------------------------------
prefix=$work/prefix
if ! cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1; then
  cat "$work/install.log"
  fail "cmake --install failed"
  exit 1
fi
test -x "$prefix/sbin/valtuusd" || fail "valtuusd not installed in sbin"
test -x "$prefix/bin/valtuusctl" || fail "valtuusctl not installed in bin"
units=$prefix/lib/systemd/system
for unit in "$source"/systemd/*.service; do
  expect_file "$units/$(basename "$unit")" "unit $(basename "$unit")"
done
expect_file "$units/valtuusd.service"
expect_file "$units/valtuusd@.service"
# The units name the programs and the configuration where this prefix put them.
expect_line "$units/valtuusd.service" \
  "ExecStart=$prefix/sbin/valtuusd --config $prefix/etc/valtuus/valtuusd.conf"
expect_line "$units/valtuusd@.service" \
  "ExecStart=$prefix/sbin/valtuusd --config $prefix/etc/valtuus/%i.conf"
expect_file "$prefix/lib/sysusers.d/valtuus.conf"
expect_file "$prefix/lib/tmpfiles.d/valtuus.conf"
expect_file "$prefix/share/doc/valtuus/README.md"
conf=$prefix/etc/valtuus/valtuusd.conf
expect_file "$conf"
cmp -s "$conf" "$source/packaging/valtuusd.conf.example" || fail "valtuusd.conf is not the example"
expect_file "$prefix/etc/valtuus/policy/catalog.yaml"
maps_expected=$(ls "$source"/policies/examples/maps/*.yaml | wc -l)
maps_installed=$(ls "$prefix"/etc/valtuus/policy/maps/*.yaml 2>/dev/null | wc -l)
[ "$maps_expected" -eq "$maps_installed" ] ||
  fail "$maps_installed of $maps_expected example maps installed"

# What postinst runs: the user, then the directories owned by it (in a scratch root).
if command -v systemd-sysusers >/dev/null 2>&1 && command -v systemd-tmpfiles >/dev/null 2>&1; then
  mkdir -p "$work/sysroot/etc"
  systemd-sysusers --root="$work/sysroot" "$prefix/lib/sysusers.d/valtuus.conf" >/dev/null 2>&1 ||
    fail "systemd-sysusers refuses valtuus.conf"
  grep -q '^valtuus:x:[0-9]*:[0-9]*:.*:/usr/sbin/nologin$' "$work/sysroot/etc/passwd" ||
    fail "sysusers.d did not create the valtuus system user"
  grep -q '^valtuus_notify:x:[0-9]*:[0-9]*:.*:/usr/sbin/nologin$' "$work/sysroot/etc/passwd" ||
    fail "sysusers.d did not create the valtuus_notify system user"
  systemd-tmpfiles --root="$work/sysroot" --create "$prefix/lib/tmpfiles.d/valtuus.conf" \
    >/dev/null 2>&1 || fail "systemd-tmpfiles refuses valtuus.conf"
  uid=$(grep '^valtuus:' "$work/sysroot/etc/passwd" | cut -d: -f3)
  [ "$(stat -c %u "$work/sysroot/var/lib/valtuus/metrics" 2>/dev/null)" = "$uid" ] ||
    fail "tmpfiles.d did not create /var/lib/valtuus/metrics owned by valtuus"
fi

# The example configuration names only real options, with valid values: as shipped, and with
# every "#name = value" line switched on (then complete enough for --check-config, which also
# loads the installed example maps and opens every file named, secrets from the credentials
# folder as under systemd).
if [ -x "$prefix/sbin/valtuusd" ]; then
  "$prefix/sbin/valtuusd" --config "$conf" --print-config >"$work/print.log" 2>&1 ||
    { cat "$work/print.log"; fail "valtuusd refuses the example configuration"; }
  sed 's/^#\([a-z][a-z0-9_.]*\) =/\1 =/' "$conf" |
    sed -e "s|^policy.dir = .*|policy.dir = $prefix/etc/valtuus/policy|" \
      -e "s|^directory.ca_file = .*|directory.ca_file = $work/ca.pem|" \
      >"$work/all.conf"
  mkdir -p "$work/credentials"
  echo "ldap-secret" >"$work/credentials/ldap-password"
  echo "db-secret" >"$work/credentials/database-password"
  printf '%064d\n' 0 >"$work/credentials/identity-key"
  echo "-----BEGIN CERTIFICATE-----" >"$work/ca.pem"
  grep -q '^directory.uri = ' "$work/all.conf" || fail "the example has no directory.uri line"
  # Complete: every option of the file (the dotted names of --help) is in the example.
  "$prefix/sbin/valtuusd" --help | grep -o -- '--[a-z0-9_]*\.[a-z0-9_.]*' | sed 's/^--//' | sort -u |
    while read -r option; do
      grep -q "^#\{0,1\}$option =" "$conf" || echo "$option"
    done >"$work/undocumented"
  [ -s "$work/undocumented" ] &&
    fail "options missing from packaging/valtuusd.conf.example: $(tr '\n' ' ' <"$work/undocumented")"
  CREDENTIALS_DIRECTORY=$work/credentials \
    "$prefix/sbin/valtuusd" --config "$work/all.conf" --check-config >"$work/check.log" 2>&1 ||
    { cat "$work/check.log"; fail "valtuusd --check-config refuses the example with every option set"; }
  # Without the unit's credentials the service could not start: --check-config says so.
  if CREDENTIALS_DIRECTORY=$work/nowhere \
    "$prefix/sbin/valtuusd" --config "$work/all.conf" --check-config >"$work/nocreds.log" 2>&1 ||
    ! grep -q 'directory.password_file' "$work/nocreds.log"; then
    cat "$work/nocreds.log"
    fail "valtuusd --check-config accepts the example without its password file"
  fi
  # valtuusctl reads the same file: it must accept every option in it too.
  if [ -x "$prefix/bin/valtuusctl" ]; then
    "$prefix/bin/valtuusctl" --config "$work/all.conf" policy check >"$work/ctl.log" 2>&1 ||
      { cat "$work/ctl.log"; fail "valtuusctl refuses the example configuration with every option set"; }
  fi
fi

# --- cpack -G DEB -----------------------------------------------------------------------------
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  fail "cpack failed"
  exit 1
fi
deb=$(ls "$work"/pkg/valtuus_*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ]; then
  cat "$work/cpack.log"
  fail "cpack made no valtuus_*.deb"
  exit 1
fi
echo "package: $(basename "$deb")"
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$work/contents"
for path in /usr/sbin/valtuusd /usr/bin/valtuusctl /usr/lib/systemd/system/valtuusd.service \
  /usr/lib/systemd/system/valtuusd@.service /usr/lib/sysusers.d/valtuus.conf \
  /usr/lib/tmpfiles.d/valtuus.conf /etc/valtuus/valtuusd.conf /etc/valtuus/policy/catalog.yaml \
  /usr/share/doc/valtuus/README.md; do
  expect_line "$work/contents" "$path"
done
for unit in "$source"/systemd/*.service; do
  expect_line "$work/contents" "/usr/lib/systemd/system/$(basename "$unit")"
done
if grep -q -e '^/usr/local' -e "^$build" -e "^$work" "$work/contents"; then
  fail "the package holds files outside the Debian layout:"
  grep -e '^/usr/local' -e "^$build" -e "^$work" "$work/contents"
fi

[ "$(dpkg-deb -f "$deb" Package)" = valtuus ] || fail "package name is not valtuus"
[ -n "$(dpkg-deb -f "$deb" Maintainer)" ] || fail "no Maintainer"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for library in libc6 libsystemd0 libpqxx libldap libsodium; do
  case "$depends" in
    *"$library"*) ;;
    *) fail "Depends lacks $library" ;;
  esac
done

dpkg-deb -e "$deb" "$work/control"
conffiles=$work/control/conffiles
expect_file "$conffiles" "conffiles"
# Every file under /etc is a conffile, and every conffile is in the package.
grep '^/etc/.*[^/]$' "$work/contents" | while read -r path; do
  grep -qxF "$path" "$conffiles" || echo "$path"
done >"$work/not-conffiles"
[ -s "$work/not-conffiles" ] && fail "not marked as conffiles: $(cat "$work/not-conffiles")"
while read -r path; do
  grep -qxF "$path" "$work/contents" || fail "conffile $path is not in the package"
done <"$conffiles"
for script in postinst prerm postrm; do
  test -x "$work/control/$script" || fail "$script missing or not executable"
  sh -n "$work/control/$script" || fail "$script: syntax error"
done
grep -q systemd-sysusers "$work/control/postinst" || fail "postinst does not create the user"

# The unit in the package starts the packaged program with the packaged configuration.
dpkg-deb -x "$deb" "$work/root"
expect_line "$work/root/usr/lib/systemd/system/valtuusd.service" \
  "ExecStart=/usr/sbin/valtuusd --config /etc/valtuus/valtuusd.conf"
cmp -s "$work/root/etc/valtuus/valtuusd.conf" "$source/packaging/valtuusd.conf.example" ||
  fail "the packaged valtuusd.conf is not the example"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "ok: $(wc -l <"$work/contents") paths, $(wc -l <"$conffiles") conffiles"
