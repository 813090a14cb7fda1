# Remote URLs cannot be fetched: the error says how to provide the file.
builtins.fetchurl "https://example.org/file.tar.gz"
