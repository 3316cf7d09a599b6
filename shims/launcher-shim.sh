#!/bin/sh
# launcher shim for @BIN@: runs the version of @BIN@ pinned for the current directory.
# Written by `launcher rehash`; edit the template in launcher's shims/ folder, not this file.
# Node starts from launcher's start-up snapshot when there is one built by this very Node binary
# (the snapshot carries its modification time) and no NODE_OPTIONS can change Node's flags;
# otherwise from launcher's script, which builds the snapshot for the next call.
blob=@BLOB@
if [ -z "$NODE_OPTIONS" ] && [ "$LAUNCHER_SHIM_SNAPSHOT" != 0 ] && [ -f "$blob" ] &&
  ! [ "$blob" -nt @NODE@ ] && ! [ "$blob" -ot @NODE@ ]; then
  exec @NODE@ --snapshot-blob "$blob" -- @BIN_ARG@ "$@"
fi
exec @NODE@ @ENTRY@ @BIN_ARG@ "$@"
