# appendContext does not coerce its first argument
builtins.appendContext ./lib/data.txt { }
