# dirOf a top-level absolute string
dirOf "/a"
