# toJSON copies paths to the store, so they must exist
builtins.toJSON ./lib/no-such-file
