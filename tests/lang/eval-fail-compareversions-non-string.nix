# compareVersions takes strings
builtins.compareVersions "1.0" 1
