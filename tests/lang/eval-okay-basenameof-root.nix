# baseNameOf the root path
baseNameOf /.
