# names that start with keywords are plain identifiers
let iff = 1; inx = 2; letter = 3; in iff + inx + letter
