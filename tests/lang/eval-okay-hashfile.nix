# hashFile: a path value and an absolute path string, every algorithm
map (a: [ (builtins.hashFile a ./lib/data.txt) (builtins.hashFile a (toString ./lib/data.txt)) ])
  [ "md5" "sha1" "sha256" "sha512" ]
