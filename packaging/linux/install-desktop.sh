#!/bin/sh
# Install ballmask's Linux desktop integration: the menu entry, the icon in the hicolor sizes, and the MIME type
# application/x-ballmask for *.ballmask files (so a double-click opens the design in ballmask).
#
#   packaging/linux/install-desktop.sh              # for this user, into ~/.local (XDG_DATA_HOME)
#   sudo PREFIX=/usr/local packaging/linux/install-desktop.sh   # for everyone
#   packaging/linux/install-desktop.sh --uninstall  # remove what it installed (same PREFIX)
#
# Variables:
#   PREFIX   where to install (default ~/.local); data go to DATADIR, default $PREFIX/share, or $XDG_DATA_HOME
#            when it is set and PREFIX is not.
#   BUNDLE   a built one-folder bundle (default dist/ballmask when it exists): copied to $PREFIX/lib/ballmask,
#            with $PREFIX/bin/ballmask linked to its executable. BUNDLE=none installs no bundle (for the wheel:
#            `pip install ballmask` puts a `ballmask` command on PATH).
#   EXEC     the command the menu entry runs (default $PREFIX/bin/ballmask with a bundle, else `ballmask`).
#   DESTDIR  a staging root for packagers; the caches are then not updated.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ICONS="$ROOT/resources/icons"
SIZES="16 22 24 32 48 64 128 256"

if [ -n "${PREFIX:-}" ]; then
    DATADIR=${DATADIR:-$PREFIX/share}
else
    PREFIX="$HOME/.local"
    DATADIR=${DATADIR:-${XDG_DATA_HOME:-$PREFIX/share}}
fi
DESTDIR=${DESTDIR:-}
if [ -z "${BUNDLE+set}" ]; then
    BUNDLE=none
    [ -x "$ROOT/dist/ballmask/ballmask" ] && BUNDLE="$ROOT/dist/ballmask"
fi

D="$DESTDIR$DATADIR"
installed_files() {
    echo "$D/applications/ballmask.desktop"
    echo "$D/mime/packages/ballmask.xml"
    echo "$D/icons/hicolor/scalable/apps/ballmask.svg"
    echo "$D/icons/hicolor/scalable/mimetypes/application-x-ballmask.svg"
    for s in $SIZES; do
        echo "$D/icons/hicolor/${s}x${s}/apps/ballmask.png"
        echo "$D/icons/hicolor/${s}x${s}/mimetypes/application-x-ballmask.png"
    done
}

update_caches() {
    [ -n "$DESTDIR" ] && return 0
    if command -v update-mime-database >/dev/null 2>&1; then update-mime-database "$DATADIR/mime"; fi
    if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q "$DATADIR/applications"; fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$DATADIR/icons/hicolor/index.theme" ]; then
        gtk-update-icon-cache -q -t "$DATADIR/icons/hicolor" || true
    fi
    return 0
}

if [ "${1:-}" = "--uninstall" ]; then
    installed_files | while read -r f; do rm -f "$f"; done
    rm -f "$DESTDIR$PREFIX/bin/ballmask"
    rm -rf "$DESTDIR$PREFIX/lib/ballmask"
    update_caches
    echo "removed ballmask's desktop integration from $DATADIR"
    exit 0
fi

if [ "$BUNDLE" != none ]; then
    [ -x "$BUNDLE/ballmask" ] || { echo "install-desktop: $BUNDLE/ballmask is not an executable bundle (make bundle)" >&2; exit 2; }
    mkdir -p "$DESTDIR$PREFIX/lib" "$DESTDIR$PREFIX/bin"
    rm -rf "$DESTDIR$PREFIX/lib/ballmask"
    cp -a "$BUNDLE" "$DESTDIR$PREFIX/lib/ballmask"
    ln -sf "$PREFIX/lib/ballmask/ballmask" "$DESTDIR$PREFIX/bin/ballmask"
    EXEC=${EXEC:-$PREFIX/bin/ballmask}
else
    EXEC=${EXEC:-ballmask}
fi

mkdir -p "$D/applications" "$D/mime/packages" "$D/icons/hicolor/scalable/apps" "$D/icons/hicolor/scalable/mimetypes"
sed -e "s|^Exec=ballmask |Exec=$EXEC |" -e "s|^TryExec=ballmask\$|TryExec=$EXEC|" \
    "$HERE/ballmask.desktop" > "$D/applications/ballmask.desktop"
cp "$HERE/ballmask-mime.xml" "$D/mime/packages/ballmask.xml"
cp "$ICONS/ballmask.svg" "$D/icons/hicolor/scalable/apps/ballmask.svg"
cp "$ICONS/ballmask.svg" "$D/icons/hicolor/scalable/mimetypes/application-x-ballmask.svg"
for s in $SIZES; do
    mkdir -p "$D/icons/hicolor/${s}x${s}/apps" "$D/icons/hicolor/${s}x${s}/mimetypes"
    cp "$ICONS/ballmask-$s.png" "$D/icons/hicolor/${s}x${s}/apps/ballmask.png"
    cp "$ICONS/ballmask-$s.png" "$D/icons/hicolor/${s}x${s}/mimetypes/application-x-ballmask.png"
done
update_caches
echo "installed ballmask's desktop integration into $DATADIR (menu entry runs: $EXEC)"
