# dirOf a top-level path is the root
dirOf /a
