# reading a file as a directory fails in the reference's words (no operating system error code)
builtins.readDir ./eval-fail-readdir-not-a-directory.nix
