# Source filtering: `cleanSource`, `cleanSourceWith`, `sourceByRegex`, and the file-set
# functions flakes call most (`toSource`, `unions`, `fileFilter`, `gitTracked`), which here
# keep whole trees rather than computing exact file sets.
{ lib }:
let
  inherit (builtins) match filterSource baseNameOf;
in
rec {
  pathType = builtins.readFileType or (path: (builtins.readDir (dirOf path)).${baseNameOf path});
  pathIsDirectory = path: builtins.pathExists path && pathType path == "directory";
  pathIsRegularFile = path: builtins.pathExists path && pathType path == "regular";
  cleanSourceFilter = name: type:
    let baseName = baseNameOf (toString name); in
    !((type == "directory" && (baseName == ".git" || baseName == ".svn" || baseName == "CVS" || baseName == ".hg"))
      || lib.strings.hasSuffix "~" baseName
      || match "^\\.sw[a-z]$" baseName != null
      || match "^\\..*\\.sw[a-z]$" baseName != null
      || lib.strings.hasSuffix ".o" baseName
      || lib.strings.hasSuffix ".so" baseName
      || (type == "symlink" && lib.strings.hasPrefix "result" baseName)
      || (type == "unknown"));
  cleanSourceWith = { src, filter ? _path: _type: true, name ? null }:
    let
      orig = toSourceAttributes src;
      combined = path: type: filter path type && orig.filter path type;
    in fromSourceAttributes { origSrc = orig.origSrc; filter = combined; name = if name != null then name else orig.name; };
  toSourceAttributes = src:
    if src ? _isLibCleanSourceWith then { inherit (src) origSrc filter name; }
    else { origSrc = src; filter = _: _: true; name = "source"; };
  fromSourceAttributes = { origSrc, filter, name }: {
    _isLibCleanSourceWith = true;
    inherit origSrc filter name;
    outPath = builtins.path { inherit filter name; path = origSrc; };
  };
  cleanSource = src: cleanSourceWith { filter = cleanSourceFilter; inherit src; };
  sourceByRegex = src: regexes:
    let
      isFiltered = src ? _isLibCleanSourceWith;
      origSrc = if isFiltered then src.origSrc else src;
    in cleanSourceWith {
      filter = path: type:
        let relPath = lib.strings.removePrefix (toString origSrc + "/") (toString path);
        in lib.lists.any (re: match re relPath != null) regexes;
      inherit src;
    };
  sourceFilesBySuffices = src: exts:
    cleanSourceWith {
      inherit src;
      filter = name: type: type == "directory" || lib.lists.any (ext: lib.strings.hasSuffix ext name) exts;
    };
  commitIdFromGitRepo = path: throw "commitIdFromGitRepo: nixeval's stand-in nixpkgs does not read Git repositories";

  # lib.fileset (coarse: a file set is a root and a filter)
  toSource = { root, fileset }:
    let fs = if fileset ? _fileset then fileset else { _fileset = true; base = fileset; filter = _: _: true; };
    in cleanSourceWith { src = root; filter = fs.filter; };
  unions = list: { _fileset = true; base = builtins.head list; filter = _: _: true; };
  union = a: b: unions [ a b ];
  intersection = a: b: a;
  difference = a: b: a;
  maybeMissing = p: p;
  gitTracked = p: p;
  fromSource = src: src;
  fileFilter = pred: path: {
    _fileset = true;
    base = path;
    filter = name: type: type == "directory" || pred {
      name = baseNameOf name;
      inherit type;
      hasExt = ext: lib.strings.hasSuffix ".${ext}" (baseNameOf name);
    };
  };
  traceVal = x: x;
  trace = fs: x: x;
}
