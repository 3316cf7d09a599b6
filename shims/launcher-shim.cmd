@echo off
rem launcher shim for @BIN@: runs the version of @BIN@ pinned for the current directory.
rem Written by `launcher rehash`; edit the template in launcher's shims/ folder, not this file.
@NODE@ @ENTRY@ @BIN_ARG@ %*
exit /b %ERRORLEVEL%
