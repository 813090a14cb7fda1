# dirOf the root path is the root
dirOf /.
