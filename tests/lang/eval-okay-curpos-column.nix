# __curPos column counts from 1 on a later line

  { a =       __curPos; }.a.column
