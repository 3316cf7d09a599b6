#!/bin/sh
# launcher shim for @BIN@: runs the version of @BIN@ pinned for the current directory.
# Written by `launcher rehash`; edit the template in launcher's shims/ folder, not this file.
# Node starts from launcher's start-up snapshot when there is one built by this very Node binary
# (the snapshot carries its modification time) and no NODE_OPTIONS can change Node's flags;
# otherwise from launcher's script, which builds the snapshot for the next call. (No variables:
# one of the user's, exported, would reach the compiler changed.)
if [ -z "$NODE_OPTIONS" ] && [ "$LAUNCHER_SHIM_SNAPSHOT" != 0 ] && [ -f @BLOB@ ] &&
  ! [ @BLOB@ -nt @NODE@ ] && ! [ @BLOB@ -ot @NODE@ ]; then
  exec @NODE@ --snapshot-blob @BLOB@ -- @BIN_ARG@ "$@"
fi
exec @NODE@ @ENTRY@ @BIN_ARG@ "$@"
