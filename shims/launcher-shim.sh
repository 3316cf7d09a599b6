#!/bin/sh
# launcher shim for @BIN@: runs the version of @BIN@ pinned for the current directory.
# Written by `launcher rehash`; edit the template in launcher's shims/ folder, not this file.
exec @NODE@ @ENTRY@ @BIN_ARG@ "$@"
